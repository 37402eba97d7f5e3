package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.model.job.JobStatus;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.topic.Topics;
import dev.kiff.testkit.SharedInfrastructure;
import dev.kiff.testkit.TopicRecorder;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code DELETE /v1/jobs/{id}} against the real broker and database. No worker runs here, so a submitted job stays
 * QUEUED until the test moves it, as a worker would, in the database.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class JobCancellationIT {

    private static final Duration SEEN = Duration.ofSeconds(30);
    private static TopicRecorder results;
    private static TopicRecorder kills;

    @Value("${local.server.port}")
    int port;
    @Autowired
    JobRepository jobs;
    @Autowired
    JobCodec codec;

    private ApiClient api;

    @DynamicPropertySource
    static void infra(DynamicPropertyRegistry registry) {
        SharedInfrastructure.springProperties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @BeforeEach
    void client() {
        api = new ApiClient(port);
        if (results == null) {
            String bootstrap = SharedInfrastructure.kafka().bootstrapServers();
            results = new TopicRecorder(bootstrap, Topics.RESULTS);
            kills = new TopicRecorder(bootstrap, Topics.CANCELLATIONS);
        }
    }

    @AfterAll
    static void close() {
        if (results != null) {
            results.close();
            kills.close();
            results = null;
        }
    }

    private String submit() {
        ApiClient.Reply reply = api.postJob(JobRequests.python("import time; time.sleep(60)").json());
        assertThat(reply.status()).isEqualTo(202);
        return reply.json().path("id").asString();
    }

    @Test
    void cancelsAQueuedJobSoThatItIsNeverStarted() {
        String id = submit();

        ApiClient.Reply reply = api.delete("/v1/jobs/" + id);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("status").asString()).isEqualTo("CANCELLED");
        assertThat(reply.json().path("message").asString()).isEqualTo("cancelled by the client");
        assertThat(api.get("/v1/jobs/" + id).json().path("status").asString()).isEqualTo("CANCELLED");
        assertThat(jobs.markRunning(UUID.fromString(id), "worker-late", Instant.now()))
                .as("a worker taking its record later cannot start it").isEmpty();
        await().atMost(SEEN).until(() -> results.recordsWithKey(id).stream()
                .anyMatch(r -> codec.readResult(r.value()).status() == JobStatus.CANCELLED));
        assertThat(kills.recordsWithKey(id)).as("no worker runs it: nothing to kill").isEmpty();
    }

    @Test
    void asksTheWorkersToKillARunningJob() {
        String id = submit();
        jobs.markRunning(UUID.fromString(id), "worker-1", Instant.now());

        ApiClient.Reply reply = api.delete("/v1/jobs/" + id);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("status").asString()).isEqualTo("CANCELLED");
        await().atMost(SEEN).until(() -> !kills.recordsWithKey(id).isEmpty());
    }

    @Test
    void answersACancelledJobAgainAndRefusesOneThatEndedOtherwise() {
        String cancelled = submit();
        api.delete("/v1/jobs/" + cancelled);
        assertThat(api.delete("/v1/jobs/" + cancelled).json().path("status").asString()).isEqualTo("CANCELLED");

        String failed = submit();
        jobs.fail(UUID.fromString(failed), "the platform gave up", Instant.now());
        ApiClient.Reply refused = api.delete("/v1/jobs/" + failed);

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().path("type").asString()).endsWith("job-already-ended");
        assertThat(refused.json().path("jobStatus").asString()).isEqualTo("ERROR");
        assertThat(api.get("/v1/jobs/" + failed).json().path("status").asString()).isEqualTo("ERROR");
    }

    @Test
    void answers404ForAnUnknownJobAnd400ForAMalformedId() {
        assertThat(api.delete("/v1/jobs/" + UUID.randomUUID()).status()).isEqualTo(404);
        assertThat(api.delete("/v1/jobs/not-a-uuid").status()).isEqualTo(400);
    }
}
