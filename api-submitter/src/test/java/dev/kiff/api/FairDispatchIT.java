package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.api.ApiClient.Reply;
import dev.kiff.api.dispatch.DispatchProperties;
import dev.kiff.core.dispatch.JobBacklog;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobStatus;
import dev.kiff.core.job.JobValidator;
import dev.kiff.model.job.VmType;
import dev.kiff.core.port.JobPublisher;
import dev.kiff.core.topic.Topics;
import dev.kiff.testkit.SharedInfrastructure;
import dev.kiff.testkit.TopicRecorder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fair dispatch against the real broker and database: a tenant's large batch does not stand in the job topic ahead
 * of another tenant's job; a job whose publisher died is published by the dispatcher and run once; a held job is
 * cancelled without ever reaching the topic. A {@link StandInJobFeed} reads the topic and runs jobs as a worker with
 * one sandbox would.
 */
class FairDispatchIT extends ApiIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final VmType TYPE = VmType.CODE_EXEC;
    private static final Duration SEEN = Duration.ofSeconds(60);
    private static final int LARGE_BATCH = 5000;

    private static TopicRecorder published;

    @Autowired
    DispatchProperties dispatch;
    @Autowired
    JobBacklog backlog;
    @Autowired
    JobPublisher publisher;
    @Autowired
    JobValidator validator;

    private JdbcTemplate jdbc;

    @BeforeEach
    void setUp() {
        jdbc = new JdbcTemplate(dataSource);
        if (published == null) {
            published = new TopicRecorder(SharedInfrastructure.kafka().bootstrapServers(), Topics.jobs(TYPE));
        }
    }

    @AfterAll
    static void close() {
        if (published != null) {
            published.close();
            published = null;
        }
    }

    @Test
    void runsASecondTenantsJobWhileMostOfAFirstTenantsLargeBatchStillWaits() throws Exception {
        TestTenants.Made first = TestTenants.create(port, "backlog");
        TestTenants.Made second = TestTenants.create(port, "neighbour");
        try (StandInJobFeed feed = feed(first, second).start()) {
            String batchId = submitBatch(first.client(port), LARGE_BATCH);

            Reply submitted = second.client(port).postJob(JobRequests.python("print('neighbour')").json());
            assertThat(submitted.status()).as(submitted.toString()).isEqualTo(202);
            String neighbour = submitted.json().path("id").asString();

            await().atMost(SEEN).until(() -> status(neighbour) == JobStatus.SUCCEEDED);
            int ended = jdbc.queryForObject("SELECT count(*) FROM jobs WHERE batch_id = ?::uuid"
                    + " AND status NOT IN ('QUEUED', 'RUNNING')", Integer.class, batchId);
            assertThat(ended).as("the first tenant's jobs that ended before the neighbour's (window %d)",
                    dispatch.window()).isLessThan(LARGE_BATCH / 2);
            assertThat(first.client(port).delete("/v1/batches/" + batchId).status()).isEqualTo(200);
        }
    }

    @Test
    void publishesAJobWhosePublisherDiedBeforePublishingItAndRunsItOnce() throws Exception {
        TestTenants.Made tenant = TestTenants.create(port, "outbox");
        try (StandInJobFeed feed = feed(tenant).start()) {
            Job job = storedAndClaimed(tenant, "print('orphan')");
            // The API instance that stored and claimed the job dies here: nothing publishes it, nothing marks it.

            await().atMost(SEEN).until(() -> status(job.id().toString()) == JobStatus.SUCCEEDED);

            // SUCCEEDED is final: no later record can start it again (a run starts only from QUEUED), so one run
            // counted is all there will be.
            await().atMost(SEEN).until(() -> feed.runs(job.id()) == 1);
            assertThat(attempts(job)).isEqualTo(1);
            assertThat(jdbc.queryForObject("SELECT published_at IS NOT NULL FROM jobs WHERE id = ?", Boolean.class,
                    job.id())).isTrue();
        }
    }

    @Test
    void runsOnceAJobPublishedTwiceBecauseItsPublisherDiedBeforeMarkingIt() throws Exception {
        TestTenants.Made tenant = TestTenants.create(port, "twice");
        try (StandInJobFeed feed = feed(tenant)) {
            Job job = storedAndClaimed(tenant, "print('twice')");
            publisher.publish(job);
            // The API instance dies here, with the record on the topic but the job not marked published: once the
            // claim runs out, the dispatcher publishes it again.

            await().atMost(SEEN).until(() -> published.recordsWithKey(job.id().toString()).size() == 2);
            feed.start();

            await().atMost(SEEN).until(() -> feed.records(job.id()) == 2);
            assertThat(feed.runs(job.id())).as("the second record finds the job ended").isEqualTo(1);
            assertThat(status(job.id().toString())).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(attempts(job)).isEqualTo(1);
        }
    }

    @Test
    void cancelsAHeldJobSoThatItNeverReachesTheTopic() {
        TestTenants.Made tenant = TestTenants.create(port, "held");
        ApiClient api = tenant.client(port);
        // Nothing runs here: the batch fills the tenant's window, and the next jobs are held.
        String batchId = submitBatch(api, dispatch.window());
        String cancelled = api.postJob(JobRequests.python("print('cancelled while held')").json()).json()
                .path("id").asString();
        String kept = api.postJob(JobRequests.python("print('kept')").json()).json().path("id").asString();
        assertThat(status(cancelled)).isEqualTo(JobStatus.QUEUED);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM jobs WHERE id IN (?::uuid, ?::uuid)"
                + " AND published_at IS NULL", Integer.class, cancelled, kept)).as("both held").isEqualTo(2);

        Reply reply = api.delete("/v1/jobs/" + cancelled);

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.json().path("status").asString()).isEqualTo("CANCELLED");
        // The batch ends, the window opens: the job kept is published, the cancelled one never.
        assertThat(api.delete("/v1/batches/" + batchId).status()).isEqualTo(200);
        await().atMost(SEEN).until(() -> !published.recordsWithKey(kept).isEmpty());
        // A CANCELLED row is never claimed, so nothing publishes it from here on; whatever was published before
        // was acknowledged already: with the topic read to its end, what is seen is all there is.
        published.readToEnd(SEEN);
        assertThat(published.recordsWithKey(cancelled)).isEmpty();
        assertThat(status(cancelled)).isEqualTo(JobStatus.CANCELLED);
        assertThat(api.delete("/v1/jobs/" + kept).status()).isEqualTo(200);
    }

    private StandInJobFeed feed(TestTenants.Made... tenants) {
        Set<String> ids = Set.copyOf(Arrays.stream(tenants).map(TestTenants.Made::id).toList());
        return new StandInJobFeed(SharedInfrastructure.kafka().bootstrapServers(), TYPE, standInWorker(), codec, ids);
    }

    /** A job stored and claimed for publishing, as a submission does just before it publishes. */
    private Job storedAndClaimed(TestTenants.Made tenant, String code) {
        Job job = validator.validate(codec.readRequest(JobRequests.python(code).json()
                .getBytes(StandardCharsets.UTF_8)), UUID.randomUUID(), tenant.id(), clock.instant());
        assertThat(backlog.insertHeld(job, null, dispatch.window(), clock.instant(),
                clock.instant().plus(dispatch.claim()))).isEqualTo(JobBacklog.Stored.CLAIMED);
        return job;
    }

    private JobStatus status(String id) {
        return jobs.find(UUID.fromString(id)).orElseThrow().state().status();
    }

    private int attempts(Job job) {
        return jdbc.queryForObject("SELECT count(*) FROM job_attempts WHERE job_id = ?", Integer.class, job.id());
    }

    /** Submits {@code size} python jobs as one batch (template form) and answers its id. */
    private static String submitBatch(ApiClient api, int size) {
        List<Object> inputs = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            inputs.add(Map.of("stdin", String.valueOf(i)));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("template", JSON.readTree(JobRequests.python("print(input())").json()));
        body.put("inputs", inputs);
        Reply accepted = api.post("/v1/batches", JSON.writeValueAsString(body));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        return accepted.json().path("id").asString();
    }
}
