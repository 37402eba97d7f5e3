package dev.kiff.spring;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Follows a control topic, handing every record (key, value; a null value is a tombstone) to a callback. A compacted
 * topic is read from its beginning, so the latest record per key is the current state; a topic of commands is read
 * from its end, so only what is said from now on is heard. No consumer group, no commits: every instance reads
 * everything. Only records signed by Kiff's own services are handed on ({@link KafkaRecordVerifier}): anyone else who
 * can produce to a control topic can neither kill a job nor steer a pool.
 */
public final class ControlTopicTail implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ControlTopicTail.class);

    private final KafkaConnection connection;
    private final String topic;
    private final BiConsumer<String, byte[]> onRecord;
    private final boolean fromBeginning;
    private final KafkaRecordVerifier verifier;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running;
    private Thread loop;

    private ControlTopicTail(KafkaConnection connection, String topic, BiConsumer<String, byte[]> onRecord,
            boolean fromBeginning, KafkaRecordVerifier verifier) {
        this.verifier = verifier;
        this.connection = connection;
        this.topic = topic;
        this.onRecord = onRecord;
        this.fromBeginning = fromBeginning;
    }

    /** A compacted topic of states: every record from the beginning, then what follows. */
    public static ControlTopicTail states(KafkaConnection connection, String topic,
            BiConsumer<String, byte[]> onRecord, KafkaRecordVerifier verifier) {
        return new ControlTopicTail(connection, topic, onRecord, true, verifier);
    }

    /** A topic of commands: only the records published from now on. */
    public static ControlTopicTail commands(KafkaConnection connection, String topic,
            BiConsumer<String, byte[]> onRecord, KafkaRecordVerifier verifier) {
        return new ControlTopicTail(connection, topic, onRecord, false, verifier);
    }

    @Override
    public void start() {
        running = true;
        loop = new Thread(this::run, "kiff-tail-" + topic);
        loop.setDaemon(true);
        loop.start();
    }

    @Override
    public void stop() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            loop.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(connection.with(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.CLIENT_ID_CONFIG, "kiff-tail-" + topic + "-" + ProcessHandle.current().pid())),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer = c;
            List<TopicPartition> partitions = List.of();
            while (running && partitions.isEmpty()) {
                try {
                    partitions = c.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                            .map(p -> new TopicPartition(topic, p.partition())).toList();
                } catch (WakeupException e) {
                    return;
                } catch (RuntimeException e) {
                    log.warn("topic {} is not readable yet: {}", topic, e.toString());
                }
                if (partitions.isEmpty()) {
                    try {
                        TimeUnit.MILLISECONDS.sleep(500); // the app's admin creates the topic at start-up
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            c.assign(partitions);
            if (fromBeginning) {
                c.seekToBeginning(partitions);
            } else {
                c.seekToEnd(partitions);
                partitions.forEach(c::position); // fix the start now, before any command can be missed
            }
            while (running) {
                try {
                    for (ConsumerRecord<String, byte[]> record : c.poll(Duration.ofSeconds(1))) {
                        if (!verifier.fromKiff(record)) {
                            continue;
                        }
                        try {
                            onRecord.accept(record.key(), record.value());
                        } catch (RuntimeException e) {
                            log.warn("record {}@{} of {} was not understood: {}", record.partition(), record.offset(),
                                    topic, e.toString());
                        }
                    }
                } catch (WakeupException e) {
                    // stopping
                } catch (RuntimeException e) {
                    log.error("reading {} failed, going on: {}", topic, e.toString());
                }
            }
        }
    }
}
