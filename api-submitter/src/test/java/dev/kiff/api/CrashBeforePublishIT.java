package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.api.ApiClient.Reply;
import dev.kiff.api.dispatch.DispatchProperties;
import dev.kiff.core.dispatch.JobBacklog;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobRequest;
import dev.kiff.model.job.JobStatus;
import dev.kiff.core.job.JobValidator;
import dev.kiff.model.job.VmType;
import dev.kiff.testkit.SharedInfrastructure;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The API dies between storing a job and publishing it; the client, having had no answer, retries with the same
 * Idempotency-Key. It is answered with the same job, replayed, and that job runs, once: the dispatcher publishes the
 * row its dead publisher claimed once the claim runs out. A {@link StandInJobFeed} runs jobs as a worker would.
 */
class CrashBeforePublishIT extends ApiIntegrationTest {

    private static final VmType TYPE = VmType.CODE_EXEC;

    @Autowired
    JobBacklog backlog;
    @Autowired
    JobValidator validator;
    @Autowired
    DispatchProperties dispatch;

    @Test
    void aClientRetryingWithItsKeyAfterTheApiDiedBeforePublishingGetsItsJobRun() throws Exception {
        TestTenants.Made tenant = TestTenants.create(port, "crash");
        String key = "key-" + UUID.randomUUID();
        String body = JobRequests.python("print('published by the dispatcher')").json();
        try (StandInJobFeed feed = new StandInJobFeed(SharedInfrastructure.kafka().bootstrapServers(), TYPE,
                standInWorker(), codec, Set.of(tenant.id())).start()) {
            Job job = storedAsTheDeadApiLeftIt(tenant, key, body);

            Reply retry = tenant.client(port).postJob(body, "application/json", Map.of("Idempotency-Key", key));

            assertThat(retry.status()).as(retry.toString()).isEqualTo(202);
            assertThat(retry.json().path("id").asString()).isEqualTo(job.id().toString());
            assertThat(retry.json().path("replayed").asBoolean()).isTrue();
            await().atMost(dispatch.claim().plusSeconds(60))
                    .until(() -> jobs.find(job.id()).orElseThrow().state().status() == JobStatus.SUCCEEDED);
            assertThat(feed.runs(job.id())).as("runs of the job").isEqualTo(1);
            assertThat(new JdbcTemplate(dataSource).queryForObject(
                    "SELECT count(*) FROM job_attempts WHERE job_id = ?", Integer.class, job.id())).isEqualTo(1);
        }
    }

    /**
     * What a submission with {@code key} leaves when its API dies right after storing it: the job stored under the
     * id and request hash the key gives it, claimed for publishing by that API, never published.
     */
    private Job storedAsTheDeadApiLeftIt(TestTenants.Made tenant, String key, String body) throws Exception {
        JobRequest request = codec.readRequest(body.getBytes(StandardCharsets.UTF_8));
        UUID id = UUID.nameUUIDFromBytes((tenant.id() + "\n" + key).getBytes(StandardCharsets.UTF_8));
        String requestHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(codec.write(request)));
        Job job = validator.validate(request, id, tenant.id(), clock.instant());
        assertThat(backlog.insertHeld(job, requestHash, dispatch.window(), clock.instant(),
                clock.instant().plus(dispatch.claim()))).isEqualTo(JobBacklog.Stored.CLAIMED);
        return job;
    }
}
