package dev.kiff.api;

import static org.awaitility.Awaitility.await;

import dev.kiff.model.job.VmType;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.topic.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A worker's job feed in miniature: reads a VM type's job topic from its end at creation (once {@link #start}ed:
 * records published before that wait for it, as for a worker that is busy), in the order the broker
 * hands records out, and runs each job one at a time on a {@link StandInWorker} ({@link StandInWorker#runQuietly}),
 * as a worker with one sandbox would. Only jobs of the given tenants run (other test classes' records pass by).
 * Keeps, per job, how many of its records arrived and whether one of them ran it.
 */
final class StandInJobFeed implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final Predicate<UUID> run;
    private final JobCodec codec;
    private final Set<String> tenants;
    private final Map<UUID, Integer> records = new ConcurrentHashMap<>();
    private final Map<UUID, Integer> runs = new ConcurrentHashMap<>();
    /** Jobs whose record is being run now: a run ends the job before it returns and is counted. */
    private final Set<UUID> running = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final Thread thread;

    StandInJobFeed(String bootstrapServers, VmType vmType, StandInWorker worker, JobCodec codec,
            Set<String> tenants) {
        this(bootstrapServers, vmType, worker::runQuietly, codec, tenants);
    }

    /** @param run runs the job of a record; whether this call ran it (false: it ran before) */
    StandInJobFeed(String bootstrapServers, VmType vmType, Predicate<UUID> run, JobCodec codec,
            Set<String> tenants) {
        this.run = run;
        this.codec = codec;
        this.tenants = tenants;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                // As the worker reads: a batch's records only once its transaction committed.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50));
        String topic = Topics.jobs(vmType);
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // Resolved now, before anything the test publishes: the feed starts at the topic's end as it is now.
        partitions.forEach(consumer::position);
        thread = new Thread(this::run, "stand-in-job-feed");
        thread.setDaemon(true);
    }

    /** Starts reading and running jobs. */
    StandInJobFeed start() {
        thread.start();
        return this;
    }

    private void run() {
        while (open.get()) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                if (!open.get()) {
                    return;
                }
                if (!tenants.contains(codec.readMessage(record.value()).tenant())) {
                    continue;
                }
                UUID id = UUID.fromString(record.key());
                records.merge(id, 1, Integer::sum);
                running.add(id);
                try {
                    if (run.test(id)) {
                        runs.merge(id, 1, Integer::sum);
                    }
                } finally {
                    running.remove(id);
                }
            }
        }
    }

    /** How many records of the job arrived. */
    int records(UUID id) {
        return records.getOrDefault(id, 0);
    }

    /**
     * How many times this feed ran the job. A test asks once it saw the job end, which the run does before it returns
     * and is counted: the answer waits for a run of the job in progress to be counted.
     */
    int runs(UUID id) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !running.contains(id));
        return runs.getOrDefault(id, 0);
    }

    @Override
    public void close() throws InterruptedException {
        open.set(false);
        if (thread.isAlive()) {
            thread.join(10_000);
        }
        consumer.close(Duration.ofSeconds(5));
    }
}
