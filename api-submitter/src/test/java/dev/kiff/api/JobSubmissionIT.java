package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.api.ApiClient.Reply;
import dev.kiff.api.results.ResultWaiters;
import dev.kiff.core.gateway.Artifact;
import dev.kiff.model.job.ArtifactInfo;
import dev.kiff.core.gateway.ArtifactStore;
import dev.kiff.model.job.JobMessage;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.Language;
import dev.kiff.model.job.RequestedLimits;
import dev.kiff.model.job.ResourceUsage;
import dev.kiff.model.job.VmType;
import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.topic.Topics;
import dev.kiff.testkit.SharedInfrastructure;
import dev.kiff.testkit.TopicRecorder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** {@code /v1/jobs} against the real broker and database: what is accepted is stored and queued, nothing else is. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class JobSubmissionIT {

    private static final String TOPIC = Topics.jobs(VmType.CODE_EXEC);
    private static final String PROBLEM_JSON = "application/problem+json";

    // Opened once the first context is up: its KafkaAdmin creates the topics at start-up.
    private static TopicRecorder published;
    private static TopicSize topicSize;

    @Value("${local.server.port}")
    int port;
    @Autowired
    JobCodec codec;
    @Autowired
    VmTypeCatalogue catalogue;
    @Autowired
    DataSource dataSource;
    @Autowired
    JobRepository jobs;
    @Autowired
    ArtifactStore artifactStore;
    @Autowired
    KafkaTemplate<String, byte[]> kafka;
    @Autowired
    ResultWaiters waiters;

    private ApiClient api;
    private JobRows rows;

    @DynamicPropertySource
    static void infra(DynamicPropertyRegistry registry) {
        SharedInfrastructure.springProperties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
        rows = new JobRows(dataSource);
        if (published == null) {
            published = new TopicRecorder(SharedInfrastructure.kafka().bootstrapServers(), TOPIC);
            topicSize = new TopicSize(SharedInfrastructure.kafka().bootstrapServers(), TOPIC);
        }
    }

    @AfterAll
    static void closeReaders() {
        if (published != null) {
            published.close();
            topicSize.close();
        }
    }

    @Test
    void acceptsAJobStoresItAsQueuedAndPublishesItOnceWithResolvedLimits() {
        Reply reply = api.postJob(JobRequests.valid());

        assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
        JsonNode body = reply.json();
        String id = body.path("id").asString();
        assertThat(UUID.fromString(id)).isNotNull();
        assertThat(body.path("status").asString()).isEqualTo("QUEUED");
        assertThat(body.path("replayed").asBoolean()).isFalse();
        assertThat(reply.header("Location")).isEqualTo("/v1/jobs/" + id);

        Reply stored = api.get("/v1/jobs/" + id);
        assertThat(stored.status()).as(stored.toString()).isEqualTo(200);
        JsonNode state = stored.json();
        assertThat(state.path("id").asString()).isEqualTo(id);
        assertThat(state.path("status").asString()).isEqualTo("QUEUED");
        assertThat(state.path("vmType").asString()).isEqualTo("code-exec");
        assertThat(state.path("timings").path("queuedAt").isString()).as(stored.toString()).isTrue();
        assertThat(state.path("usage").isNull()).as("nothing ran yet: " + stored).isTrue();
        assertThat(rows.countWithId(id)).isEqualTo(1);

        List<ConsumerRecord<String, byte[]>> records = exactlyOneRecordWithKey(id);
        JobMessage message = codec.readMessage(records.get(0).value());
        assertThat(message.v()).isEqualTo(JobMessage.VERSION);
        assertThat(message.id()).isEqualTo(id);
        assertThat(message.vmType()).isEqualTo(VmType.CODE_EXEC);
        assertThat(message.language()).isEqualTo(Language.PYTHON);
        assertThat(message.code()).isEqualTo("print(1)");
        assertThat(message.submittedAt()).isNotNull();
        assertThat(message.limits())
                .isEqualTo(RequestedLimits.of(catalogue.policy(VmType.CODE_EXEC).defaults()))
                .hasNoNullFieldsOrProperties();
    }

    static Stream<Arguments> badRequests() {
        String bigText = "x".repeat(100 * 1024);
        return Stream.of(
                bad("malformed JSON", "{\"vmType\":\"code-exec\",", 400, "$"),
                bad("an unknown field", JobRequests.python("print(1)").with("foo", 1).json(), 400, "foo"),
                bad("an unknown vmType", JobRequests.python("print(1)").with("vmType", "quantum").json(), 400,
                        "vmType"),
                bad("an unknown language", JobRequests.python("print(1)").with("language", "cobol").json(), 400,
                        "language"),
                bad("no code", JobRequests.python("print(1)").without("code").json(), 400, "code"),
                bad("a limit above the maximum",
                        JobRequests.python("print(1)").with("limits", Map.of("memoryMb", 999_999)).json(), 400,
                        "limits.memoryMb"),
                bad("code over 128 KiB", JobRequests.python("#" + "x".repeat(128 * 1024)).json(), 413, "code"),
                bad("files over the cap", JobRequests.python("print(1)")
                        .with("files", Map.of("a.txt", bigText, "b.txt", bigText, "c.txt", bigText)).json(), 413,
                        "files"),
                bad("a file name escaping the workspace", JobRequests.python("print(1)")
                        .with("files", Map.of("../etc/passwd", "root")).json(), 400, "files[\"../etc/passwd\"]"));
    }

    private static Arguments bad(String what, String body, int status, String field) {
        return Arguments.of(what, body, status, field);
    }

    @ParameterizedTest(name = "{0} -> {2} naming {3}")
    @MethodSource("badRequests")
    void refusesBadInputNamingTheFieldAndStoresAndPublishesNothing(String what, String body, int status,
            String field) {
        long rowsBefore = rows.count();
        long recordsBefore = topicSize.records();

        Reply reply = api.postJob(body);

        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
        assertThat(reply.contentType()).startsWith(PROBLEM_JSON);
        JsonNode problem = reply.json();
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("field").asString()).as(reply.toString()).isEqualTo(field);
        assertThat(problem.path("errors").valueStream().map(e -> e.path("field").asString()))
                .as(reply.toString()).contains(field);
        assertNothingStoredOrPublished(rowsBefore, recordsBefore);
    }

    @Test
    void refusesABodyThatIsNotJsonWith415AndStoresAndPublishesNothing() {
        long rowsBefore = rows.count();
        long recordsBefore = topicSize.records();

        Reply reply = api.postJob(JobRequests.valid(), "text/plain", Map.of());

        assertThat(reply.status()).as(reply.toString()).isEqualTo(415);
        assertThat(reply.contentType()).startsWith(PROBLEM_JSON);
        assertThat(reply.json().path("status").asInt()).isEqualTo(415);
        assertNothingStoredOrPublished(rowsBefore, recordsBefore);
    }

    @Test
    void answersARepeatedIdempotencyKeyWithTheSameJobWithoutQueueingItAgain() {
        String code = "print('idempotent " + UUID.randomUUID() + "')";
        Map<String, String> key = Map.of("Idempotency-Key", "key-" + UUID.randomUUID());

        Reply first = api.postJob(JobRequests.python(code).json(), "application/json", key);
        Reply second = api.postJob(JobRequests.python(code).json(), "application/json", key);

        assertThat(first.status()).as(first.toString()).isEqualTo(202);
        assertThat(second.status()).as(second.toString()).isEqualTo(202);
        String id = first.json().path("id").asString();
        assertThat(second.json().path("id").asString()).isEqualTo(id);
        assertThat(first.json().path("replayed").asBoolean()).isFalse();
        assertThat(second.json().path("replayed").asBoolean()).isTrue();
        assertThat(second.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(rows.countWithId(id)).isEqualTo(1);
        exactlyOneRecordWithKey(id);
    }

    @Test
    void queuesAJobTheBrokerRefusedWhenItsIdempotencyKeyComesBack() {
        String code = "print('refused once " + UUID.randomUUID() + "')";
        Map<String, String> key = Map.of("Idempotency-Key", "key-" + UUID.randomUUID());
        Reply first = api.postJob(JobRequests.python(code).json(), "application/json", key);
        String id = first.json().path("id").asString();
        // What a 503 leaves behind: the row REJECTED, as JobSubmitter records a refused publish.
        assertThat(jobs.reject(UUID.fromString(id), "not queued: broker away", Instant.now())).isTrue();

        Reply retry = api.postJob(JobRequests.python(code).json(), "application/json", key);

        assertThat(retry.status()).as(retry.toString()).isEqualTo(202);
        assertThat(retry.json().path("id").asString()).isEqualTo(id);
        assertThat(retry.json().path("status").asString()).isEqualTo("QUEUED");
        assertThat(retry.json().path("replayed").asBoolean()).isTrue();
        assertThat(jobs.find(UUID.fromString(id)).orElseThrow().state().status()).isEqualTo(JobStatus.QUEUED);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(published.recordsWithKey(id)).hasSize(2));
    }

    @Test
    void longPollAnswersWithTheCurrentStateAndARetryHintWhenTheWaitRunsOut() {
        String id = api.postJob(JobRequests.valid()).json().path("id").asString();

        Reply reply = api.get("/v1/jobs/" + id + "?wait=1s");

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.json().path("status").asString()).isEqualTo("QUEUED");
        assertThat(reply.header("Retry-After")).isEqualTo("1");
    }

    @Test
    void longPollAnswersAsSoonAsTheResultIsPublished() {
        UUID id = UUID.fromString(api.postJob(JobRequests.valid()).json().path("id").asString());
        CompletableFuture<Reply> waiting = CompletableFuture.supplyAsync(() -> api.get("/v1/jobs/" + id + "?wait=60s"));
        // Parked for the job's result: from here only that result (or the 60 s running out) answers it.
        await().atMost(Duration.ofSeconds(30)).until(() -> waiters.waiting() == 1);
        assertThat(waiting).isNotDone();

        // What a worker does when the job ends: store the result, then publish it.
        JobResult queued = jobs.find(id).orElseThrow().state();
        jobs.markRunning(id, "worker-a", Instant.now());
        JobResult ended = new JobResult(JobResult.VERSION, id, queued.tenant(), queued.vmType(), JobStatus.SUCCEEDED,
                0, "1\n", false, "", false, null, "worker-a", 1, queued.timings(), List.of())
                .withUsage(new ResourceUsage(42L, 17L, 2L, 0, 0L));
        jobs.complete(ended);
        kafka.send(Topics.RESULTS, id.toString(), codec.write(ended));

        // Well before the 60 s wait: the answer came from the result, not from the wait running out.
        Reply reply = await().atMost(Duration.ofSeconds(20)).until(waiting::join, r -> r != null);
        assertThat(reply.json().path("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(reply.header("Retry-After")).isNull();
        JsonNode usage = reply.json().path("usage");
        assertThat(usage.path("cpuMs").asLong()).as(reply.toString()).isEqualTo(42);
        assertThat(usage.path("peakMemoryMb").asLong()).isEqualTo(17);
        assertThat(usage.path("outputBytes").asLong()).isEqualTo(2);
        assertThat(usage.path("gatewayCalls").asInt()).isZero();
        assertThat(usage.path("gatewayBytes").asLong()).isZero();
    }

    @Test
    void refusesAWaitThatIsNotADuration() {
        String id = api.postJob(JobRequests.valid()).json().path("id").asString();
        Reply reply = api.get("/v1/jobs/" + id + "?wait=forever");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().path("field").asString()).isEqualTo("wait");
        assertThat(api.get("/v1/jobs/" + id + "?wait=10m").status()).isEqualTo(400);
    }

    @Test
    void servesTheArtifactsOfAFinishedJob() {
        Reply accepted = api.postJob(JobRequests.valid());
        UUID id = UUID.fromString(accepted.json().path("id").asString());
        JobResult queued = jobs.find(id).orElseThrow().state();
        jobs.markRunning(id, "worker-a", Instant.now());
        jobs.complete(new JobResult(JobResult.VERSION, id, queued.tenant(), queued.vmType(), JobStatus.SUCCEEDED, 0,
                "", false, "", false, null, "worker-a", 1, queued.timings(),
                List.of(new ArtifactInfo("reports/a.csv", 3))));
        artifactStore.save(id, List.of(new Artifact("reports/a.csv", "x,y".getBytes(StandardCharsets.UTF_8))));

        Reply list = api.get("/v1/jobs/" + id + "/artifacts");
        Reply file = api.get("/v1/jobs/" + id + "/artifacts/reports/a.csv");
        Reply missing = api.get("/v1/jobs/" + id + "/artifacts/nope.csv");

        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        assertThat(list.body()).isEqualTo("{\"artifacts\":[{\"name\":\"reports/a.csv\",\"sizeBytes\":3}]}");
        assertThat(file.status()).isEqualTo(200);
        assertThat(file.body()).isEqualTo("x,y");
        assertThat(file.header("Content-Disposition")).isEqualTo("attachment; filename=\"a.csv\"");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.contentType()).startsWith(PROBLEM_JSON);
    }

    @Test
    void refusesAnIdempotencyKeyReusedForADifferentJobWith422() {
        Map<String, String> key = Map.of("Idempotency-Key", "key-" + UUID.randomUUID());
        Reply first = api.postJob(JobRequests.python("print('first')").json(), "application/json", key);
        assertThat(first.status()).as(first.toString()).isEqualTo(202);
        String id = first.json().path("id").asString();
        long rowsBefore = rows.count();
        long recordsBefore = topicSize.records();

        Reply reused = api.postJob(JobRequests.python("print('second')").json(), "application/json", key);

        assertThat(reused.status()).as(reused.toString()).isEqualTo(422);
        assertThat(reused.contentType()).startsWith(PROBLEM_JSON);
        assertThat(reused.json().path("field").asString()).isEqualTo("Idempotency-Key");
        assertThat(reused.json().path("jobId").asString()).isEqualTo(id);
        assertNothingStoredOrPublished(rowsBefore, recordsBefore);
        exactlyOneRecordWithKey(id);
    }

    @Test
    void answers404ProblemForAnUnknownJob() {
        Reply reply = api.get("/v1/jobs/" + UUID.randomUUID());

        assertThat(reply.status()).as(reply.toString()).isEqualTo(404);
        assertThat(reply.contentType()).startsWith(PROBLEM_JSON);
        assertThat(reply.json().path("status").asInt()).isEqualTo(404);
    }

    @Test
    void answers400NamingTheIdForAJobIdThatIsNotAUuid() {
        Reply reply = api.get("/v1/jobs/not-a-uuid");

        assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
        assertThat(reply.contentType()).startsWith(PROBLEM_JSON);
        assertThat(reply.json().path("field").asString()).isEqualTo("id");
    }

    /**
     * No row, and so nothing the dispatcher could publish later; a publish by the request itself is acknowledged
     * before the answer. So the topic's size right after the answer is final: no quiet window needed.
     */
    private void assertNothingStoredOrPublished(long rowsBefore, long recordsBefore) {
        assertThat(rows.count()).as("rows in jobs").isEqualTo(rowsBefore);
        assertThat(topicSize.records()).as("records on " + TOPIC).isEqualTo(recordsBefore);
    }

    /**
     * Waits until the job is marked published: every record of it was acknowledged before that mark, and no
     * publisher takes a marked job again. Then, with the topic read to its end, the records seen are all there are.
     */
    private List<ConsumerRecord<String, byte[]>> exactlyOneRecordWithKey(String id) {
        await().atMost(Duration.ofSeconds(30)).until(() -> rows.publishedAt(id) != null);
        published.readToEnd(Duration.ofSeconds(30));
        assertThat(published.recordsWithKey(id)).as("records of Job(id=%s)", id).hasSize(1);
        return published.recordsWithKey(id);
    }
}
