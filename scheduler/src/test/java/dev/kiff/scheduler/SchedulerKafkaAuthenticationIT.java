package dev.kiff.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.VmType;
import dev.kiff.core.lag.QueueLag;
import dev.kiff.core.topic.Topics;
import dev.kiff.spring.ControlTopicTail;
import dev.kiff.spring.KafkaConnection;
import dev.kiff.spring.KafkaRecordSigner;
import dev.kiff.spring.KafkaRecordVerifier;
import dev.kiff.core.trust.ProducerKeys;
import dev.kiff.core.trust.RecordVerifier;
import dev.kiff.model.trust.SigningKey;
import dev.kiff.testkit.SharedInfrastructure;
import java.time.Clock;
import java.util.Optional;
import dev.kiff.testkit.EmbeddedKafkaServer;
import dev.kiff.testkit.ServiceAcls;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's hand-built Kafka clients (its leadership, its lag admin, its tail of the workers' states) against a
 * broker that authenticates with SCRAM and enforces ACLs: with the scheduler's own credentials and its ACLs alone
 * each does its work; with a tenant pipeline's they are refused.
 */
class SchedulerKafkaAuthenticationIT {

    private static final SigningKey PLATFORM = SigningKey.platform(SharedInfrastructure.RECORD_KEY);
    private static final ProducerKeys NO_PRODUCER_KEYS = new ProducerKeys() {
        @Override
        public Optional<String> find(String tenant) {
            return Optional.empty();
        }

        @Override
        public void put(String tenant, String key) {
            throw new UnsupportedOperationException();
        }
    };

    private static final String SCHEDULER_PASSWORD = "scheduler-" + UUID.randomUUID();
    private static final String API_PASSWORD = "api-" + UUID.randomUUID();
    private static final String WORKER_PASSWORD = "worker-" + UUID.randomUUID();
    private static final String TENANT_PASSWORD = "tenant-" + UUID.randomUUID();

    private static EmbeddedKafkaServer kafka;

    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void securedBroker() throws Exception {
        kafka = EmbeddedKafkaServer.startWithScram(0, null);
        kafka.addScramUser("kiff-scheduler", SCHEDULER_PASSWORD);
        kafka.addScramUser("kiff-api", API_PASSWORD);
        kafka.addScramUser("kiff-worker", WORKER_PASSWORD);
        kafka.addScramUser("tenant-pipeline", TENANT_PASSWORD);
        kafka.grant(ServiceAcls.scheduler("kiff-scheduler"));
        kafka.grant(ServiceAcls.api("kiff-api"));
        kafka.grant(ServiceAcls.worker("kiff-worker"));
        kafka.grant(ServiceAcls.tenantProducer("tenant-pipeline", List.of(Topics.jobs(VmType.CODE_EXEC))));
        // The API creates the topics at start-up, as it does in a deployment.
        List<NewTopic> topics = new ArrayList<>();
        Topics.jobTopics().forEach(name -> topics.add(new NewTopic(name, 2, (short) 1)));
        for (String control : List.of(Topics.SCHEDULER_LEADER, Topics.WORKER_STATES, Topics.POOL_TARGETS)) {
            topics.add(new NewTopic(control, 1, (short) 1));
        }
        try (Admin api = Admin.create(kafka.clientProperties("kiff-api", API_PASSWORD))) {
            api.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
    }

    @Test
    void leadsReadsTheLagAndFollowsTheWorkersWithItsOwnCredentials() throws Exception {
        KafkaConnection scheduler = new KafkaConnection(kafka.clientProperties("kiff-scheduler", SCHEDULER_PASSWORD));
        try (KafkaProducer<String, byte[]> api = producer("kiff-api", API_PASSWORD);
                KafkaProducer<String, byte[]> worker = producer("kiff-worker", WORKER_PASSWORD)) {
            for (int i = 0; i < 3; i++) {
                api.send(new ProducerRecord<>(Topics.jobs(VmType.CODE_EXEC), UUID.randomUUID().toString(),
                        "{}".getBytes(StandardCharsets.UTF_8))).get(10, TimeUnit.SECONDS);
            }
            // Signed as Kiff's own services sign: the tail believes nothing else.
            worker.send(new KafkaRecordSigner(PLATFORM).onSend(new ProducerRecord<>(Topics.WORKER_STATES, "worker-7",
                    "{}".getBytes(StandardCharsets.UTF_8)))).get(10, TimeUnit.SECONDS);
        }

        KafkaLeadership leadership = new KafkaLeadership(scheduler, "scheduler-1", Duration.ofSeconds(6));
        leadership.start();
        opened.add(leadership::stop);
        Set<String> workersHeard = ConcurrentHashMap.newKeySet();
        ControlTopicTail states = ControlTopicTail.states(scheduler, Topics.WORKER_STATES,
                (key, value) -> workersHeard.add(key),
                new KafkaRecordVerifier(new RecordVerifier(PLATFORM, NO_PRODUCER_KEYS), Clock.systemUTC()));
        states.start();
        opened.add(states::stop);
        Admin lagAdmin = Admin.create(scheduler.properties());
        opened.add(lagAdmin);
        KafkaLagReader lag = new KafkaLagReader(lagAdmin, Duration.ofSeconds(10));

        assertThat(lag.read()).filteredOn(queue -> queue.vmType() == VmType.CODE_EXEC)
                .extracting(QueueLag::lag).containsExactly(3L);
        await().atMost(Duration.ofSeconds(30)).until(leadership::leading);
        await().atMost(Duration.ofSeconds(30)).until(() -> workersHeard.contains("worker-7"));
    }

    @Test
    void refusesATenantPipelineTheSchedulersReadsAndWrites() throws Exception {
        Admin tenantAdmin = Admin.create(kafka.clientProperties("tenant-pipeline", TENANT_PASSWORD));
        opened.add(tenantAdmin);
        assertThatThrownBy(() -> new KafkaLagReader(tenantAdmin, Duration.ofSeconds(10)).read())
                .isInstanceOf(TransientFailure.class)
                .hasCauseInstanceOf(java.util.concurrent.ExecutionException.class)
                .hasRootCauseInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> tenantAdmin.listConsumerGroupOffsets(Topics.WORKER_GROUP)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS))
                .hasRootCauseInstanceOf(GroupAuthorizationException.class);
        try (KafkaProducer<String, byte[]> tenant = producer("tenant-pipeline", TENANT_PASSWORD)) {
            assertThatThrownBy(() -> tenant.send(new ProducerRecord<>(Topics.POOL_TARGETS, "worker-7",
                    "{}".getBytes(StandardCharsets.UTF_8))).get(10, TimeUnit.SECONDS))
                    .hasRootCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    private static KafkaProducer<String, byte[]> producer(String user, String password) {
        Map<String, Object> config = new HashMap<>(kafka.clientProperties(user, password));
        config.put("max.block.ms", 5000);
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }
}
