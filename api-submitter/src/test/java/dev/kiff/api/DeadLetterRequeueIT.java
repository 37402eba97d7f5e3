package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.api.ApiClient.Reply;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.VmType;
import dev.kiff.testkit.PrometheusScrape;
import dev.kiff.testkit.SharedInfrastructure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.kiff.spring.KafkaResultPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/dlq/{id}/requeue} against the real broker and database: a dead letter made as a worker makes one
 * (its one attempt used, then dead-lettered), requeued over HTTP, published again by the API's dispatcher and run by a
 * {@link StandInJobFeed} reading the job topic as a worker does.
 */
class DeadLetterRequeueIT extends ApiIntegrationTest {

    private static final Duration SEEN = Duration.ofSeconds(30);
    private static final JobRequests ONE_ATTEMPT = JobRequests.python("print('again')")
            .with("retry", Map.of("maxAttempts", 1));
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TestTenants.Made tenant;
    private ApiClient api;
    private JobRows rows;

    @BeforeEach
    void setUp() {
        tenant = TestTenants.create(port, "requeue");
        api = tenant.client(port);
        rows = new JobRows(dataSource);
    }

    /**
     * A job that was published, ran once, failed on the platform and ran out of its one attempt, as a worker records
     * it. Its first record is on the topic before it is dead-lettered, so no late publish of it can race the requeue.
     */
    private UUID deadLetter(ApiClient owner) {
        Reply reply = owner.postJob(ONE_ATTEMPT.json());
        assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
        return deadLetter(reply.json().path("id").asString());
    }

    /** As {@link #deadLetter(ApiClient)}, of a job already submitted. */
    private UUID deadLetter(String id) {
        await().atMost(SEEN).until(() -> rows.publishedAt(id) != null);
        UUID jobId = UUID.fromString(id);
        assertThat(jobs.markRunning(jobId, "worker-gone", clock.instant())).hasValue(1);
        assertThat(jobs.requeue(jobId, JobStatus.QUEUED, "the sandbox image is missing", clock.instant())).isTrue();
        assertThat(jobs.deadLetter(jobId, "the sandbox image is missing", clock.instant())).isTrue();
        return jobId;
    }

    private static Reply requeue(ApiClient client, Object id) {
        return client.post("/v1/dlq/" + id + "/requeue", "");
    }

    private List<String> deadLetters() {
        return api.get("/v1/dlq?limit=500").json().path("items").valueStream()
                .map(item -> item.path("jobId").asString()).toList();
    }

    private JobResult stored(UUID id) {
        return jobs.find(id).orElseThrow().state();
    }

    @Test
    void requeuesItsOwnDeadLetterWhichIsPublishedAgainRunsAndEndsWithANewResult() throws Exception {
        UUID id = deadLetter(api);
        assertThat(deadLetters()).containsExactly(id.toString());
        StandInWorker worker = standInWorker();
        try (StandInJobFeed feed = new StandInJobFeed(SharedInfrastructure.kafka().bootstrapServers(),
                VmType.CODE_EXEC, record -> {
                    worker.runToSuccess(record.toString(), "again\n");
                    return true;
                }, codec, Set.of(tenant.id())).start()) {
            Reply reply = requeue(api, id);

            assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
            assertThat(reply.contentType()).startsWith("application/json");
            assertThat(reply.header("Location")).isEqualTo("/v1/jobs/" + id);
            JsonNode view = reply.json();
            assertThat(view.path("id").asString()).isEqualTo(id.toString());
            assertThat(view.path("status").asString()).isIn("QUEUED", "RUNNING", "SUCCEEDED");
            assertThat(view.path("deadLettered").asBoolean(true)).isFalse();
            assertThat(view.path("links").path("self").asString()).isEqualTo("/v1/jobs/" + id);
            assertThat(view.path("links").path("events").asString()).isEqualTo("/v1/jobs/" + id + "/events");
            assertThat(view.path("links").path("logs").asString()).isEqualTo("/v1/jobs/" + id + "/logs");
            assertThat(deadLetters()).isEmpty();

            // The dispatcher publishes it again; a worker takes its new record and runs it (it had used its one
            // attempt: the requeue gave it one more).
            await().atMost(SEEN).until(() -> feed.runs(id) == 1);
        }
        JsonNode ended = api.get("/v1/jobs/" + id + "?wait=30s").json();
        assertThat(ended.path("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(ended.path("stdout").asString()).isEqualTo("again\n");
        assertThat(ended.path("attempts").asInt()).isEqualTo(2);
        assertThat(ended.path("deadLettered").asBoolean(true)).isFalse();
        assertThat(ended.path("attemptHistory").valueStream().map(a -> a.path("status").asString()).toList())
                .containsExactly("QUEUED", "SUCCEEDED");
    }

    @Test
    void opensTheCompletedBatchOfARequeuedJobWhichCompletesAgainOnceTheJobEnds() throws Exception {
        Reply accepted = api.post("/v1/batches", JSON.writeValueAsString(
                Map.of("jobs", List.of(JSON.readTree(ONE_ATTEMPT.json())))));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        String batch = "/v1/batches/" + accepted.json().path("id").asString();
        UUID id = deadLetter(new JdbcTemplate(dataSource).queryForObject(
                "SELECT id::text FROM jobs WHERE batch_id = ?::uuid", String.class, accepted.json().path("id")
                        .asString()));
        // The dead letter's result, as the worker publishes it: the follower counts the batch complete.
        new KafkaResultPublisher(kafka, codec, SEEN).publish(stored(id));
        await().atMost(SEEN).until(() -> api.get(batch).json().path("status").asString().equals("COMPLETED"));
        StandInWorker worker = standInWorker();
        try (StandInJobFeed feed = new StandInJobFeed(SharedInfrastructure.kafka().bootstrapServers(),
                VmType.CODE_EXEC, record -> {
                    worker.runToSuccess(record.toString(), "again\n");
                    return true;
                }, codec, Set.of(tenant.id())).start()) {

            assertThat(requeue(api, id).status()).isEqualTo(202);

            JsonNode reopened = api.get(batch).json();
            assertThat(reopened.path("completedAt").isNull()).as(reopened.toString()).isTrue();
            assertThat(reopened.path("counts").path("ERROR").asInt()).isZero();
            await().atMost(SEEN).until(() -> feed.runs(id) == 1);
        }
        await().atMost(SEEN).until(() -> api.get(batch).json().path("status").asString().equals("COMPLETED"));
        JsonNode completed = api.get(batch).json();
        assertThat(completed.path("counts").path("SUCCEEDED").asInt()).isEqualTo(1);
        assertThat(completed.path("ended").asInt()).isEqualTo(1);
    }

    @Test
    void answersAnotherTenantsDeadLetterAsNotFoundAndLeavesItDeadLettered() {
        TestTenants.Made other = TestTenants.create(port, "requeue-other");
        UUID theirs = deadLetter(other.client(port));

        Reply reply = requeue(api, theirs);

        assertThat(reply.status()).as(reply.toString()).isEqualTo(404);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.json().path("type").asString()).isEqualTo("urn:kiff:problem:job-not-found");
        assertThat(stored(theirs).status()).isEqualTo(JobStatus.ERROR);
        assertThat(stored(theirs).deadLettered()).isTrue();
        // Not found, as an id no job has.
        assertThat(requeue(api, UUID.randomUUID()).status()).isEqualTo(404);
    }

    @Test
    void letsTheAdminRequeueAnyTenantsDeadLetter() {
        UUID id = deadLetter(api);

        Reply reply = requeue(new ApiClient(port, ApiClient.ADMIN_KEY), id);

        assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
        assertThat(reply.json().path("tenant").asString()).isEqualTo(tenant.id());
        assertThat(stored(id).deadLettered()).isFalse();
        assertThat(stored(id).status()).isIn(JobStatus.QUEUED);
        // Counted under the job's tenant, though the admin named none.
        PrometheusScrape scrape = PrometheusScrape.read(port);
        assertThat(scrape.value("kiff_dead_letter_requeues_total", Map.of("tenant", tenant.id())))
                .as(scrape.toString()).isEqualTo(1);
    }

    @Test
    void refusesAJobThatIsNotADeadLetterWithAConflict() {
        Reply submitted = api.postJob(JobRequests.python("print('waits')").json());
        String queued = submitted.json().path("id").asString();

        Reply reply = requeue(api, queued);

        assertThat(reply.status()).as(reply.toString()).isEqualTo(409);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        JsonNode problem = reply.json();
        assertThat(problem.path("type").asString()).isEqualTo("urn:kiff:problem:not-a-dead-letter");
        assertThat(problem.path("title").asString()).isEqualTo("Not a dead letter");
        assertThat(problem.path("jobStatus").asString()).isEqualTo("QUEUED");

        // An ERROR that is the job's result, not a dead letter, stays as it is.
        UUID failed = UUID.fromString(queued);
        assertThat(jobs.fail(failed, "the platform refused it", clock.instant())).isTrue();
        Reply refused = requeue(api, failed);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.json().path("jobStatus").asString()).isEqualTo("ERROR");
        assertThat(stored(failed).status()).isEqualTo(JobStatus.ERROR);
    }

    @Test
    void admitsATenantsRequeueWithinItsConcurrentJobsQuotaAsASubmission() {
        TestTenants.Made small = TestTenants.create(port, "requeue-quota", Map.of("maxConcurrentJobs", 1));
        ApiClient client = small.client(port);
        UUID id = deadLetter(client);
        UUID another = deadLetter(client);
        Reply waiting = client.postJob(JobRequests.python("print('waits')").json());
        assertThat(waiting.status()).as(waiting.toString()).isEqualTo(202);

        Reply refused = requeue(client, id);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(429);
        assertThat(refused.json().path("type").asString()).isEqualTo("urn:kiff:problem:quota-exceeded");
        assertThat(refused.json().path("quota").asString()).isEqualTo("maxConcurrentJobs");
        assertThat(refused.header("Retry-After")).isNotNull();
        assertThat(stored(id).deadLettered()).isTrue();

        // Room again once the waiting job ended, taken by the requeued one; the admin's requeue is no tenant's
        // submission and passes the quota.
        assertThat(client.delete("/v1/jobs/" + waiting.json().path("id").asString()).status()).isEqualTo(200);
        assertThat(requeue(client, id).status()).isEqualTo(202);
        assertThat(requeue(client, another).status()).as("at its quota again").isEqualTo(429);
        assertThat(requeue(new ApiClient(port, ApiClient.ADMIN_KEY), another).status()).isEqualTo(202);
    }

    @Test
    void queuesADeadLetterOnceWhenTwoRequeuesRace() throws Exception {
        UUID id = deadLetter(api);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Reply>> both = List.of(1, 2).stream()
                .map(n -> CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return requeue(api, id);
                })).toList();
        go.countDown();

        List<Integer> statuses = both.stream().map(CompletableFuture::join).map(Reply::status).sorted().toList();

        assertThat(statuses).containsExactly(202, 409);
        // One more attempt, not two: the job used one, the requeue gave it its one again.
        assertThat(rows.maxAttempts(id.toString())).isEqualTo(2);
        PrometheusScrape scrape = PrometheusScrape.read(port);
        assertThat(scrape.value("kiff_dead_letter_requeues_total", Map.of("tenant", tenant.id())))
                .as(scrape.toString()).isEqualTo(1);
    }

    @Test
    void refusesACallerWithoutAValidKeyOrAnIdThatIsNoUuid() {
        UUID id = deadLetter(api);

        assertThat(requeue(new ApiClient(port, null), id).status()).isEqualTo(401);
        assertThat(requeue(new ApiClient(port, "kiff_not_a_key"), id).status()).isEqualTo(401);
        Reply bogus = requeue(api, "not-a-uuid");
        assertThat(bogus.status()).isEqualTo(400);
        assertThat(bogus.json().path("field").asString()).isEqualTo("id");
        assertThat(stored(id).deadLettered()).isTrue();
    }
}
