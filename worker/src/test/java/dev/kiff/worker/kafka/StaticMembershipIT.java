package dev.kiff.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.model.job.VmType;
import dev.kiff.testkit.SharedInfrastructure;
import dev.kiff.worker.WorkerProperties;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * A worker that died without leaving the job group (kill -9) and comes back under the same name gets its partitions
 * at once, not after its old session expired: the job consumer is configured exactly as {@link
 * WorkerKafkaConfiguration#jobConsumerOverrides} configures it, against the real broker.
 */
class StaticMembershipIT {

    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(30);

    @Test
    void aRestartedWorkerOfTheSameNameResumesItsPartitionsWithoutWaitingForItsOldSession() throws Exception {
        String topic = "kiff.test.static-membership." + UUID.randomUUID();
        String group = "kiff-test-workers-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfrastructure.kafka().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        WorkerProperties worker = worker("worker-static-" + UUID.randomUUID());

        KafkaConsumer<String, byte[]> before = jobConsumer(group, worker);
        before.subscribe(List.of(topic));
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            before.poll(Duration.ofMillis(100));
            return !before.assignment().isEmpty();
        });
        // As a killed process does: no leave-group request, no more heartbeats; the group still counts it a member.
        before.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));

        try (KafkaConsumer<String, byte[]> after = jobConsumer(group, worker)) {
            after.subscribe(List.of(topic));
            // Well inside the old session: a dynamic member would wait all of it for the dead one to be expired.
            await().atMost(SESSION_TIMEOUT.dividedBy(2)).until(() -> {
                after.poll(Duration.ofMillis(100));
                return !after.assignment().isEmpty();
            });
            assertThat(after.assignment()).isEqualTo(Set.of(new TopicPartition(topic, 0)));
        }
    }

    @Test
    void aWorkerThatStopsHandsItsPartitionsToAnotherAtOnce() throws Exception {
        String topic = "kiff.test.static-membership." + UUID.randomUUID();
        String group = "kiff-test-workers-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfrastructure.kafka().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        KafkaConsumer<String, byte[]> stopping = jobConsumer(group, worker("worker-a-" + UUID.randomUUID()));
        stopping.subscribe(List.of(topic));
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            stopping.poll(Duration.ofMillis(100));
            return !stopping.assignment().isEmpty();
        });
        stopping.close(KafkaJobFeed.ON_STOP);

        try (KafkaConsumer<String, byte[]> other = jobConsumer(group, worker("worker-b-" + UUID.randomUUID()))) {
            other.subscribe(List.of(topic));
            // A static member that closed without leaving would hold the partition for the whole session.
            await().atMost(SESSION_TIMEOUT.dividedBy(2)).until(() -> {
                other.poll(Duration.ofMillis(100));
                return !other.assignment().isEmpty();
            });
        }
    }

    private static KafkaConsumer<String, byte[]> jobConsumer(String group, WorkerProperties worker) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafka().bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.putAll(WorkerKafkaConfiguration.jobConsumerOverrides(worker));
        return new KafkaConsumer<>(config);
    }

    private static WorkerProperties worker(String id) {
        return new WorkerProperties(id, List.of(VmType.CODE_EXEC), 1, 0, 1, Duration.ofSeconds(1),
                Duration.ofMillis(100), 3, Duration.ofSeconds(1), Duration.ofSeconds(15), Duration.ofSeconds(60),
                Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofMillis(150), 16384,
                org.springframework.util.unit.DataSize.ofMegabytes(1), SESSION_TIMEOUT,
                Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofMinutes(15), null, null, null);
    }
}
