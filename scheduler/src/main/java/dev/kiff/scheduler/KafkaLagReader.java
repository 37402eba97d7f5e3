package dev.kiff.scheduler;

import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.VmType;
import dev.kiff.core.lag.LagReader;
import dev.kiff.core.lag.QueueLag;
import dev.kiff.core.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The {@link LagReader} on Kafka's AdminClient: end offsets minus the worker group's committed offsets. A partition
 * the group has not committed on yet counts from its earliest offset, where the workers will start. A type's lag is
 * its job topic's plus its session-open topic's: both wait for the same warm sandboxes.
 */
public final class KafkaLagReader implements LagReader {

    private final Admin admin;
    private final Duration timeout;

    public KafkaLagReader(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    @Override
    public List<QueueLag> read() {
        try {
            Map<String, TopicDescription> topics = new HashMap<>(
                    await(admin.describeTopics(Topics.jobTopics()).allTopicNames()));
            // A session open waits for a warm sandbox just as a job does, so its lag is the type's demand too. Those
            // topics are the API's to create: until it has, there is no open to count, and the jobs' lag stands.
            for (Map.Entry<String, KafkaFuture<TopicDescription>> open
                    : admin.describeTopics(Topics.sessionOpenTopics()).topicNameValues().entrySet()) {
                try {
                    topics.put(open.getKey(), await(open.getValue()));
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw e;
                    }
                }
            }
            List<TopicPartition> partitions = new ArrayList<>();
            topics.values().forEach(topic -> topic.partitions()
                    .forEach(p -> partitions.add(new TopicPartition(topic.name(), p.partition()))));
            Map<TopicPartition, OffsetAndMetadata> committed =
                    await(admin.listConsumerGroupOffsets(Topics.WORKER_GROUP).partitionsToOffsetAndMetadata());
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = offsets(partitions,
                    OffsetSpec.latest());
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = offsets(partitions,
                    OffsetSpec.earliest());
            Map<String, Long> lagByTopic = new HashMap<>();
            Map<String, Long> producedByTopic = new HashMap<>();
            Map<String, Long> committedByTopic = new HashMap<>();
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata done = committed.get(partition);
                long from = done != null ? done.offset() : starts.get(partition).offset();
                long end = ends.get(partition).offset();
                lagByTopic.merge(partition.topic(), Math.max(0, end - from), Long::sum);
                producedByTopic.merge(partition.topic(), end, Long::sum);
                committedByTopic.merge(partition.topic(), from, Long::sum);
            }
            List<QueueLag> queues = new ArrayList<>();
            for (VmType type : VmType.values()) {
                String topic = Topics.jobs(type);
                String opens = Topics.sessionOpens(type);
                queues.add(new QueueLag(type, topic,
                        lagByTopic.getOrDefault(topic, 0L) + lagByTopic.getOrDefault(opens, 0L),
                        producedByTopic.getOrDefault(topic, 0L) + producedByTopic.getOrDefault(opens, 0L),
                        committedByTopic.getOrDefault(topic, 0L) + committedByTopic.getOrDefault(opens, 0L)));
            }
            return queues;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientFailure("interrupted while reading the consumer lag", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new TransientFailure("the broker did not report offsets within " + timeout + ": " + e, e);
        }
    }

    private Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets(List<TopicPartition> partitions,
            OffsetSpec spec) throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(p -> request.put(p, spec));
        return await(admin.listOffsets(request).all());
    }

    private <T> T await(KafkaFuture<T> future)
            throws ExecutionException, InterruptedException, TimeoutException {
        return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
