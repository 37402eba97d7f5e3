package dev.kiff.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic from its beginning into memory, for tests that assert what was published: {@link #poll()} fetches
 * what arrived since the last call, {@link #records(Predicate)} filters everything seen so far. Use with Awaitility.
 */
public final class TopicRecorder implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<ConsumerRecord<String, byte[]>> seen = new CopyOnWriteArrayList<>();

    public TopicRecorder(String bootstrapServers, String topic) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.consumer = new KafkaConsumer<>(config);
        Map<String, List<PartitionInfo>> topics = consumer.listTopics(Duration.ofSeconds(10));
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : topics.getOrDefault(topic, List.of())) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        if (partitions.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist");
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    public synchronized List<ConsumerRecord<String, byte[]>> poll() {
        List<ConsumerRecord<String, byte[]>> fresh = new ArrayList<>();
        consumer.poll(Duration.ofMillis(200)).forEach(fresh::add);
        seen.addAll(fresh);
        return fresh;
    }

    /**
     * Reads until it has seen everything the topic held when called: then every record acknowledged to its producer
     * before the call is in {@link #records}. The deterministic end of a "nothing more arrived" check, where nothing
     * else can still produce the record in question, in place of a quiet window.
     *
     * @throws IllegalStateException when the topic's end is not reached within {@code atMost}
     */
    public synchronized void readToEnd(Duration atMost) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment(), atMost);
        long deadline = System.nanoTime() + atMost.toNanos();
        while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the topic's end " + ends + " was not reached in " + atMost);
            }
            poll();
        }
    }

    public List<ConsumerRecord<String, byte[]>> records(Predicate<ConsumerRecord<String, byte[]>> filter) {
        poll();
        return seen.stream().filter(filter).toList();
    }

    public List<ConsumerRecord<String, byte[]>> recordsWithKey(String key) {
        return records(r -> key.equals(r.key()));
    }

    @Override
    public synchronized void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
