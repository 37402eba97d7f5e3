package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.api.ApiClient.Reply;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.VmType;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.output.LogStore;
import dev.kiff.core.port.JobRepository;
import dev.kiff.testkit.KafkaBrokerContainer;
import dev.kiff.testkit.SharedInfrastructure;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A broker restart while a client submits jobs through the API: the API's producer and consumers ride it out, a
 * submission the broker could not take meanwhile is answered 503 and retried by the client with its
 * Idempotency-Key, as the API asks. Every job submitted before, during and after the restart runs once and ends.
 * A broker of this class's own, so that no other test sees it go down, in a container ({@link KafkaBrokerContainer})
 * so that it stops and starts as a process of its own; a {@link StandInJobFeed} runs the jobs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class ApiBrokerRestartIT {

    static final int JOBS = 30;
    private static KafkaBrokerContainer broker;

    @Value("${local.server.port}")
    int port;
    @Autowired
    JobRepository jobs;
    @Autowired
    LogStore logs;
    @Autowired
    KafkaTemplate<String, byte[]> kafka;
    @Autowired
    JobCodec codec;
    @Autowired
    Clock clock;

    @DynamicPropertySource
    static void ownBroker(DynamicPropertyRegistry registry) {
        broker = KafkaBrokerContainer.start();
        SharedInfrastructure.springProperties(broker.bootstrapServers())
                .forEach((key, value) -> registry.add(key, () -> value));
    }

    @Test
    void everyJobSubmittedAcrossABrokerRestartRunsOnceAndEnds() {
        TestTenants.Made tenant = TestTenants.create(port, "restart");
        ApiClient client = tenant.client(port);
        Map<String, String> accepted = new ConcurrentHashMap<>();
        AtomicInteger refused = new AtomicInteger();
        ScheduledExecutorService agent = Executors.newSingleThreadScheduledExecutor();
        try (StandInJobFeed feed = new StandInJobFeed(broker.bootstrapServers(), VmType.CODE_EXEC,
                new StandInWorker(jobs, logs, kafka, codec, clock), codec, Set.of(tenant.id())).start()) {
            String[] key = {"key-" + UUID.randomUUID()};
            agent.scheduleWithFixedDelay(() -> {
                if (accepted.size() >= JOBS) {
                    return;
                }
                String body = JobRequests.python("print('" + key[0] + "')").json();
                Reply reply = client.postJob(body, "application/json", Map.of("Idempotency-Key", key[0]));
                if (reply.status() == 202) {
                    accepted.put(key[0], reply.json().path("id").asString());
                    key[0] = "key-" + UUID.randomUUID();
                } else {
                    // 503 while the broker is away: the same request again, with the same key, next turn.
                    refused.incrementAndGet();
                }
            }, 0, 200, TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= JOBS / 3);

            broker.restart();

            await().atMost(Duration.ofSeconds(90)).until(() -> accepted.size() == JOBS);
            await().atMost(Duration.ofSeconds(120)).until(() -> accepted.values().stream()
                    .allMatch(id -> jobs.find(UUID.fromString(id)).orElseThrow().state().status().isTerminal()));
            assertThat(accepted.values()).allSatisfy(id -> {
                assertThat(jobs.find(UUID.fromString(id)).orElseThrow().state().status()).as("Job(id=%s)", id)
                        .isEqualTo(JobStatus.SUCCEEDED);
                assertThat(feed.runs(UUID.fromString(id))).as("runs of Job(id=%s)", id).isEqualTo(1);
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            agent.shutdownNow();
        }
    }
}
