package dev.kiff.api;

import static org.awaitility.Awaitility.await;

import dev.kiff.core.topic.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far the result follower ({@link Topics#FOLLOWER_GROUP}) has got on {@code kiff.results}: it commits a record's
 * offset only once the record's follow-up is done, so once its committed offsets reach where the topic ended at some
 * moment, every result published before that moment has been followed up. The deterministic end of a "no second
 * follow-up" check, in place of a quiet window.
 */
final class FollowerProgress {

    private FollowerProgress() {
    }

    /** Waits until the follower has handled every result published before this call. */
    static void awaitFollowedUp(String bootstrapServers, Duration atMost) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            List<TopicPartition> partitions = admin.describeTopics(List.of(Topics.RESULTS)).allTopicNames().get()
                    .get(Topics.RESULTS).partitions().stream()
                    .map(info -> new TopicPartition(Topics.RESULTS, info.partition())).toList();
            Map<TopicPartition, Long> ends = admin.listOffsets(partitions.stream()
                    .collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()))).all().get()
                    .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
            await().atMost(atMost).until(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin
                        .listConsumerGroupOffsets(Topics.FOLLOWER_GROUP).partitionsToOffsetAndMetadata().get();
                return ends.entrySet().stream().allMatch(end -> end.getValue() == 0
                        || committed.get(end.getKey()) != null
                                && committed.get(end.getKey()).offset() >= end.getValue());
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
