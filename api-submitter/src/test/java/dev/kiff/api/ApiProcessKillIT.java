package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import tools.jackson.databind.JsonNode;
import dev.kiff.model.job.VmType;
import dev.kiff.model.json.JobCodec;
import dev.kiff.model.trust.SigningKey;
import dev.kiff.persistence.JooqJobRepository;
import dev.kiff.persistence.JooqLogStore;
import dev.kiff.spring.KafkaRecordSigner;
import dev.kiff.testkit.EmbeddedKafkaServer;
import dev.kiff.testkit.EmbeddedPostgresServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The API killed with {@code kill -9} in the middle of a batch, as a process: the API runs from its built jar, as
 * {@code ./kiff dev} runs it, and a second one is started after the first died. Every job of the batch still ends,
 * once each, and the batch completes. The part of the batch the first API still held back (fair dispatch keeps all
 * but a window of a tenant's jobs in the database, unpublished) is published by the second one, and the results that
 * arrived while no API ran are followed up.
 *
 * <p>Its own broker and database, not the shared ones: every API context alive in this test JVM would otherwise
 * publish the dead API's backlog and follow its results up, and the test would pass whatever the restarted process
 * does. A stand-in worker moves the jobs ({@link StandInWorker}, through a {@link StandInJobFeed}); it runs six of
 * them, then holds the next one until the first API is dead.
 */
class ApiProcessKillIT {

    private static final String RECORD_KEY = "kiff-test-platform-record-key-process-kill-0123456789";
    private static final String DEV_KEY = "kiff_test_process_kill_key";
    private static final int BATCH = 24;
    private static final int RUN_BEFORE_KILL = 6;

    @Test
    void everyJobOfABatchEndsOnceAndTheBatchCompletesWhenTheApiIsKilledMidBatch() throws Exception {
        try (EmbeddedKafkaServer kafka = EmbeddedKafkaServer.start(0, null);
                EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(0, null)) {
            int port = freePort();
            Process first = startApi(port, kafka, postgres, 1);
            Process second = null;
            DefaultKafkaProducerFactory<String, byte[]> producers = null;
            try {
                ApiClient api = new ApiClient(port, DEV_KEY);
                awaitHealthy(api, first);
                DSLContext db = DSL.using(new DriverManagerDataSource(postgres.jdbcUrl(), postgres.username(),
                        postgres.password()), SQLDialect.POSTGRES);
                JobCodec codec = new JobCodec();
                Clock clock = Clock.systemUTC();
                producers = new DefaultKafkaProducerFactory<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
                KafkaTemplate<String, byte[]> template = new KafkaTemplate<>(producers);
                template.setProducerInterceptor(new KafkaRecordSigner(SigningKey.platform(RECORD_KEY)));
                StandInWorker worker = new StandInWorker(new JooqJobRepository(db, codec, clock),
                        new JooqLogStore(db), template, codec, clock);
                AtomicInteger taken = new AtomicInteger();
                CountDownLatch firstApiDead = new CountDownLatch(1);

                try (StandInJobFeed feed = new StandInJobFeed(kafka.bootstrapServers(), VmType.CODE_EXEC, id -> {
                    if (taken.incrementAndGet() > RUN_BEFORE_KILL) {
                        awaitQuietly(firstApiDead);
                    }
                    try {
                        worker.runToSuccess(id.toString(), "ran " + id + "\n");
                        return true;
                    } catch (IllegalStateException ranBefore) {
                        return false; // a second record of a job that ended: not run again
                    }
                }, codec, Set.of("dev")).start()) {
                    String inputs = IntStream.range(0, BATCH).mapToObj(i -> "{\"stdin\":\"" + i + "\"}")
                            .collect(Collectors.joining(","));
                    ApiClient.Reply accepted = api.post("/v1/batches", "{\"template\":{\"vmType\":\"code-exec\","
                            + "\"language\":\"python\",\"code\":\"print(input())\"},\"inputs\":[" + inputs + "]}");
                    assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
                    String batchId = accepted.json().get("id").asString();
                    List<UUID> jobIds = new ArrayList<>();
                    for (JsonNode job : api.get("/v1/batches/" + batchId + "/jobs?limit=100").json().get("items")) {
                        jobIds.add(UUID.fromString(job.get("id").asString()));
                    }
                    assertThat(jobIds).hasSize(BATCH);

                    await().atMost(Duration.ofSeconds(60)).until(() -> succeeded(db, batchId) >= RUN_BEFORE_KILL);
                    first.destroyForcibly(); // SIGKILL: no shutdown hook, no last publish, no offset commit
                    assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    assertThat(unpublished(db, batchId)).as("jobs the dead API still held back").isPositive();
                    // The jobs in flight end while no API runs: their results wait on Kafka for the next one.
                    firstApiDead.countDown();

                    second = startApi(port, kafka, postgres, 2);
                    awaitHealthy(api, second);
                    await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                        JsonNode batch = api.get("/v1/batches/" + batchId).json();
                        assertThat(batch.get("status").asString()).as(batch.toString()).isEqualTo("COMPLETED");
                    });
                    assertThat(succeeded(db, batchId)).isEqualTo(BATCH);
                    assertThat(jobIds).allSatisfy(id -> assertThat(feed.runs(id)).as("runs of %s", id).isEqualTo(1));
                }
            } finally {
                if (producers != null) {
                    producers.destroy();
                }
                first.destroyForcibly();
                if (second != null) {
                    second.destroy();
                    if (!second.waitFor(30, TimeUnit.SECONDS)) {
                        second.destroyForcibly();
                    }
                }
            }
        }
    }

    /**
     * The API from the jar this module built, as {@code ./kiff dev} starts it; fair dispatch as the test
     * contexts set it, with a window of 4, so that most of the batch waits in the database.
     */
    private static Process startApi(int port, EmbeddedKafkaServer kafka, EmbeddedPostgresServer postgres, int n)
            throws IOException {
        Path jar;
        try (var files = Files.list(Path.of("target"))) {
            jar = files.filter(f -> f.getFileName().toString().matches("kiff-api-submitter-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no API jar in target/: run mvn verify"));
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx384m", "-jar", jar.toString(),
                "--kiff.dispatch.window=4", "--kiff.dispatch.tick=100ms", "--kiff.dispatch.claim=3s");
        builder.environment().putAll(Map.of(
                "KIFF_API_PORT", String.valueOf(port),
                "KIFF_KAFKA_BOOTSTRAP", kafka.bootstrapServers(),
                "KIFF_DB_URL", postgres.jdbcUrl(),
                "KIFF_DB_USER", postgres.username(),
                "KIFF_DB_PASSWORD", postgres.password(),
                "KIFF_RECORD_KEY", RECORD_KEY,
                "KIFF_DEV_API_KEY", DEV_KEY));
        Path log = Path.of("target", "ApiProcessKillIT-api-" + n + ".log");
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        return builder.start();
    }

    private static void awaitHealthy(ApiClient api, Process process) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> {
                    assertThat(process.isAlive()).as("the API process is alive").isTrue();
                    return api.get("/actuator/health").status() == 200;
                });
    }

    private static int succeeded(DSLContext db, String batchId) {
        return db.fetchCount(DSL.table("jobs"), DSL.field("batch_id").eq(UUID.fromString(batchId))
                .and(DSL.field("status").eq("SUCCEEDED")));
    }

    private static int unpublished(DSLContext db, String batchId) {
        return db.fetchCount(DSL.table("jobs"), DSL.field("batch_id").eq(UUID.fromString(batchId))
                .and(DSL.field("published_at").isNull()));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
