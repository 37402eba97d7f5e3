package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kiff.api.ApiClient.Reply;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.output.LogStore;
import dev.kiff.core.port.JobRepository;
import dev.kiff.model.trust.SigningKey;
import dev.kiff.spring.KafkaRecordSigner;
import dev.kiff.testkit.EmbeddedKafkaServer;
import dev.kiff.testkit.ServiceAcls;
import dev.kiff.testkit.SharedInfrastructure;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The API against a broker that authenticates every client (SASL/SCRAM) and authorises it by ACL, each service with
 * only what {@link ServiceAcls} grants it: a job goes through with the API's and a worker's own credentials, and a
 * client without credentials, or with a tenant pipeline's, gets nothing else.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class KafkaAuthenticationIT {

    // Quote and backslash: the JAAS line the apps build must carry any password.
    private static final String API_PASSWORD = "a\"pi\\" + UUID.randomUUID();
    private static final String WORKER_PASSWORD = "worker-" + UUID.randomUUID();
    private static final String TENANT_PASSWORD = "tenant-" + UUID.randomUUID();
    private static final String JOB_TOPIC = "kiff.jobs.code-exec";

    private static EmbeddedKafkaServer kafka;

    @Value("${local.server.port}")
    int port;
    @Autowired
    JobRepository jobs;
    @Autowired
    LogStore logs;
    @Autowired
    JobCodec codec;
    @Autowired
    Clock clock;
    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @DynamicPropertySource
    static void infra(DynamicPropertyRegistry registry) {
        if (kafka == null) {
            kafka = EmbeddedKafkaServer.startWithScram(0, null);
            kafka.addScramUser("kiff-api", API_PASSWORD);
            kafka.addScramUser("kiff-worker", WORKER_PASSWORD);
            kafka.addScramUser("tenant-pipeline", TENANT_PASSWORD);
            kafka.grant(ServiceAcls.api("kiff-api"));
            kafka.grant(ServiceAcls.worker("kiff-worker"));
            kafka.grant(ServiceAcls.tenantProducer("tenant-pipeline", List.of(JOB_TOPIC)));
        }
        SharedInfrastructure.springProperties().forEach((key, value) -> registry.add(key, () -> value));
        registry.add("spring.kafka.bootstrap-servers", kafka::bootstrapServers);
        // What KIFF_KAFKA_* set in a deployment; SHA-256 here, SHA-512 for the other clients of the test.
        registry.add("kiff.kafka.security-protocol", () -> "SASL_PLAINTEXT");
        registry.add("kiff.kafka.sasl-mechanism", () -> "SCRAM-SHA-256");
        registry.add("kiff.kafka.username", () -> "kiff-api");
        registry.add("kiff.kafka.password", () -> API_PASSWORD);
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void runsAJobThroughTheApiAndAWorkerEachWithItsOwnCredentials() throws Exception {
        // Every consumer of the API (results, logs, batches, the result followers) joined its group and got its
        // partitions: its reads are authorised.
        await().atMost(Duration.ofSeconds(60)).until(() -> listeners.getListenerContainers().stream()
                .allMatch(KafkaAuthenticationIT::assigned));
        ApiClient api = new ApiClient(port);
        Reply submitted = api.postJob("{\"vmType\":\"code-exec\",\"language\":\"python\",\"code\":\"print(1)\"}");
        assertThat(submitted.status()).as(submitted.toString()).isEqualTo(202);
        String id = submitted.json().path("id").asString();

        Map<String, Object> worker = kafka.clientProperties("kiff-worker", WORKER_PASSWORD);
        try (KafkaConsumer<String, byte[]> jobsFeed = workerFeed(worker)) {
            jobsFeed.subscribe(List.of(JOB_TOPIC));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, byte[]> record : jobsFeed.poll(Duration.ofMillis(200))) {
                    if (id.equals(record.key())) {
                        return true;
                    }
                }
                return false;
            });
            jobsFeed.commitSync();
        }
        CompletableFuture<Reply> waiting = CompletableFuture.supplyAsync(() -> api.get("/v1/jobs/" + id + "?wait=30s"));
        DefaultKafkaProducerFactory<String, byte[]> producers = new DefaultKafkaProducerFactory<>(
                producerConfig(worker));
        try {
            // The API believes only results signed as Kiff's own services sign them.
            KafkaTemplate<String, byte[]> results = new KafkaTemplate<>(producers);
            results.setProducerInterceptor(new KafkaRecordSigner(SigningKey.platform(SharedInfrastructure.RECORD_KEY)));
            new StandInWorker(jobs, logs, results, codec, clock).runToSuccess(id, "1\n");
        } finally {
            producers.destroy();
        }
        Reply result = waiting.get(60, TimeUnit.SECONDS);
        assertThat(result.json().path("status").asString()).as(result.toString()).isEqualTo("SUCCEEDED");
    }

    @Test
    void publishesABatchInOneTransactionWithItsOwnCredentials() {
        // A batch goes out in one Kafka transaction: its transactional id is the API's (kiff-api-*), nothing more.
        Reply accepted = new ApiClient(port).post("/v1/batches", "{\"template\":{\"vmType\":\"code-exec\","
                + "\"language\":\"python\",\"code\":\"print(1)\"},\"inputs\":[{\"stdin\":\"a\"},{\"stdin\":\"b\"}]}");

        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
    }

    @Test
    void refusesAClientWithoutCredentials() {
        Map<String, Object> anonymous = new HashMap<>(Map.of("bootstrap.servers", kafka.bootstrapServers()));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(anonymous))) {
            // The listener serves nothing but the SASL handshake: not even whether the topic exists (an
            // authorisation error would say it does), so the client waits for metadata in vain.
            assertThatThrownBy(() -> producer.partitionsFor(JOB_TOPIC))
                    .isInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        }
    }

    @Test
    void refusesAClientWithAWrongPassword() {
        Map<String, Object> guessed = kafka.clientProperties("kiff-worker", "not-the-password");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(guessed))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(JOB_TOPIC, "forged", new byte[] {'{'}))
                    .get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void letsATenantPipelineProduceJobsAndNothingElse() throws Exception {
        Map<String, Object> tenant = kafka.clientProperties("tenant-pipeline", TENANT_PASSWORD);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(tenant))) {
            // Its own job topic: allowed (what the record claims is the record-signing check's business).
            producer.send(new ProducerRecord<>(JOB_TOPIC, "probe", new byte[] {'{', '}'})).get(10, TimeUnit.SECONDS);
            for (String control : List.of("kiff.control.cancellations", "kiff.control.targets", "kiff.results")) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(control, "forged", new byte[] {'{'}))
                        .get(10, TimeUnit.SECONDS)).as(control)
                        .hasRootCauseInstanceOf(TopicAuthorizationException.class);
            }
        }
        Map<String, Object> reader = new HashMap<>(tenant);
        reader.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        reader.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<String, byte[]> results = new KafkaConsumer<>(reader)) {
            TopicPartition partition = new TopicPartition("kiff.results", 0);
            results.assign(List.of(partition));
            results.seekToBeginning(List.of(partition));
            assertThatThrownBy(() -> results.poll(Duration.ofSeconds(10)))
                    .isInstanceOf(TopicAuthorizationException.class);
        }
    }

    private static boolean assigned(MessageListenerContainer container) {
        var partitions = container.getAssignedPartitions();
        return partitions != null && !partitions.isEmpty();
    }

    private static KafkaConsumer<String, byte[]> workerFeed(Map<String, Object> worker) {
        Map<String, Object> config = new HashMap<>(worker);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "kiff-workers");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static Map<String, Object> producerConfig(Map<String, Object> connection) {
        Map<String, Object> config = new HashMap<>(connection);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 8000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        return config;
    }
}
