package dev.kiff.client;

import static dev.kiff.client.FakeKiff.job;
import static dev.kiff.client.FakeKiff.json;
import static dev.kiff.client.FakeKiff.problem;
import static dev.kiff.client.FakeKiff.result;
import static dev.kiff.client.FakeKiff.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kiff.model.batch.BatchInput;
import dev.kiff.model.batch.BatchProgress;
import dev.kiff.model.batch.BatchRequest;
import dev.kiff.model.job.JobRequest;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.Language;
import dev.kiff.model.job.ResourceUsage;
import dev.kiff.model.job.RetryPolicy;
import dev.kiff.model.job.VmType;
import dev.kiff.model.output.LogChunk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KiffClientTest {

    private static final UUID ID = UUID.fromString("6f1c1a7e-2a8e-4a59-9d7e-1b1f1c1a7e2a");
    private static final String JOB = "/v1/jobs/" + ID;
    private static final JobRequest REQUEST = new JobRequest(VmType.CODE_EXEC, Language.PYTHON, "print(1)", null,
            null, null, null, "https://me/hook", new RetryPolicy(2, true));

    private final FakeKiff server = fake();
    private final KiffClient client = KiffClient.builder().baseUrl(server.url()).apiKey("kiff_secret")
            .timeout(Duration.ofSeconds(5)).build();

    private static FakeKiff fake() {
        try {
            return new FakeKiff();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void submitSendsTheBearerKeyTheIdempotencyKeyAndTheJob() {
        server.on("POST", "/v1/jobs", json(202, "{\"id\":\"" + ID + "\",\"status\":\"QUEUED\",\"replayed\":true,"
                + "\"links\":{\"self\":\"" + JOB + "\"},\"someday\":1}"));

        Submitted submitted = client.submit(REQUEST, "order-42");

        assertThat(submitted).isEqualTo(new Submitted(ID, JobStatus.QUEUED, true));
        FakeKiff.Call call = server.calls.get(0);
        assertThat(call.header("Authorization")).isEqualTo("Bearer kiff_secret");
        assertThat(call.header("Idempotency-Key")).isEqualTo("order-42");
        assertThat(call.header("Content-Type")).isEqualTo("application/json");
        assertThat(FakeKiff.CODEC.readRequest(call.body().getBytes(StandardCharsets.UTF_8))).isEqualTo(REQUEST);
    }

    @Test
    void fromEnvironmentTakesTheUrlAndKey() {
        server.on("GET", JOB, result(job(ID, JobStatus.SUCCEEDED)));
        KiffClient fromEnv = KiffClient.fromEnvironment(Map.of("KIFF_URL", server.url().toString(),
                "KIFF_API_KEY", "kiff_env")::get);

        assertThat(fromEnv.get(ID).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(server.calls.get(0).header("Authorization")).isEqualTo("Bearer kiff_env");
    }

    @Test
    void aValidationProblemNamesEveryField() {
        server.on("POST", "/v1/batches", problem(400, "invalid-job", "Invalid job", "\"field\":\"jobs[3].code\","
                + "\"errors\":[{\"field\":\"jobs[3].code\",\"message\":\"is required\"},"
                + "{\"field\":\"jobs[5].vmType\",\"message\":\"unknown\"}]"));

        KiffInvalidRequestException e = catchThrowableOfType(KiffInvalidRequestException.class,
                () -> client.submitBatch(new BatchRequest(List.of(REQUEST), null, null, null)));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.type()).isEqualTo("urn:kiff:problem:invalid-job");
        assertThat(e.title()).isEqualTo("Invalid job");
        assertThat(e.detail()).isEqualTo("Invalid job detail");
        assertThat(e.field()).isEqualTo("jobs[3].code");
        assertThat(e.errors()).containsExactly(new KiffException.FieldError("jobs[3].code", "is required"),
                new KiffException.FieldError("jobs[5].vmType", "unknown"));
    }

    @Test
    void aQuotaProblemSaysWhichQuotaAndWhenToRetry() {
        server.on("POST", "/v1/jobs", problem(429, "quota-exceeded", "Quota exceeded",
                "\"quota\":\"maxConcurrentJobs\"", "Retry-After", "7"));

        KiffQuotaException e = catchThrowableOfType(KiffQuotaException.class, () -> client.submit(REQUEST));

        assertThat(e.quota()).isEqualTo("maxConcurrentJobs");
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(e.errors()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"401, unauthorized, KiffUnauthorizedException", "404, job-not-found, KiffNotFoundException",
            "413, too-large, KiffInvalidRequestException", "409, job-already-ended, KiffException"})
    void eachProblemStatusHasItsException(int status, String slug, String type) {
        server.on("DELETE", JOB, problem(status, slug, "Refused", "\"jobStatus\":\"SUCCEEDED\""));

        KiffException e = catchThrowableOfType(KiffException.class, () -> client.cancel(ID));

        assertThat(e.getClass().getSimpleName()).isEqualTo(type);
        assertThat(e.status()).isEqualTo(status);
        assertThat(e.type()).isEqualTo("urn:kiff:problem:" + slug);
        assertThat(e.property("jobStatus")).isEqualTo("SUCCEEDED");
    }

    @Test
    void requeuesADeadLetterWithAnEmptyPostAndReadsTheJobPastItsLinks() {
        String queued = "{\"v\":1,\"id\":\"" + ID + "\",\"tenant\":\"acme\",\"vmType\":\"code-exec\","
                + "\"status\":\"QUEUED\",\"stdoutTruncated\":false,\"stderrTruncated\":false,\"attempts\":1,"
                + "\"artifacts\":[],\"attemptHistory\":[],\"deadLettered\":false,"
                + "\"links\":{\"self\":\"" + JOB + "\",\"events\":\"" + JOB + "/events\"}}";
        server.on("POST", "/v1/dlq/" + ID + "/requeue", json(202, queued, "Location", JOB));

        JobResult job = client.requeueDeadLetter(ID);

        assertThat(job.id()).isEqualTo(ID);
        assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(job.deadLettered()).isFalse();
        FakeKiff.Call call = server.calls("POST", "/v1/dlq/" + ID + "/requeue").get(0);
        assertThat(call.body()).isEmpty();
        assertThat(call.header("Authorization")).isEqualTo("Bearer kiff_secret");
    }

    @Test
    void aRequeueOfAJobThatIsNotADeadLetterIsAConflictNamingItsStatus() {
        server.on("POST", "/v1/dlq/" + ID + "/requeue",
                problem(409, "not-a-dead-letter", "Not a dead letter", "\"jobStatus\":\"RUNNING\""),
                problem(404, "job-not-found", "Job not found", null));

        KiffException conflict = catchThrowableOfType(KiffException.class, () -> client.requeueDeadLetter(ID));

        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.type()).isEqualTo("urn:kiff:problem:not-a-dead-letter");
        assertThat(conflict.property("jobStatus")).isEqualTo("RUNNING");
        assertThatThrownBy(() -> client.requeueDeadLetter(ID)).isInstanceOf(KiffNotFoundException.class);
    }

    @Test
    void anAnswerThatIsNoProblemStillGivesAnException() {
        server.on("GET", JOB, exchange -> FakeKiff.send(exchange, 502, "text/html", "<h1>Bad gateway</h1>"));

        KiffException e = catchThrowableOfType(KiffException.class, () -> client.get(ID));

        assertThat(e.status()).isEqualTo(502);
        assertThat(e.detail()).isEqualTo("<h1>Bad gateway</h1>");
    }

    @Test
    void exposesWhatTheRunUsedAndReadsAServerThatSendsNoUsage() {
        String ended = "{\"v\":1,\"id\":\"" + ID + "\",\"tenant\":\"acme\",\"vmType\":\"code-exec\","
                + "\"status\":\"SUCCEEDED\",\"exitCode\":0,\"stdout\":\"1\\n\",\"stdoutTruncated\":false,"
                + "\"stderr\":\"\",\"stderrTruncated\":false,\"message\":null,\"workerId\":\"worker-1\","
                + "\"attempts\":1,\"artifacts\":[],\"batchId\":null,\"attemptHistory\":[],\"deadLettered\":false";
        server.on("GET", JOB, json(200, ended + ",\"usage\":{\"cpuMs\":31,\"peakMemoryMb\":9,\"outputBytes\":2,"
                + "\"gatewayCalls\":1,\"gatewayBytes\":null}}"), json(200, ended + "}"));

        assertThat(client.get(ID).usage()).isEqualTo(new ResourceUsage(31L, 9L, 2L, 1, null));
        assertThat(client.get(ID).usage()).as("a server from before usage").isNull();
    }

    @Test
    void readsAResultFromANewerServerSkippingFieldsItDoesNotKnowAndOneFromAnOlderServerWithoutTheNewest() {
        String newer = "{\"v\":1,\"id\":\"" + ID + "\",\"tenant\":\"acme\",\"vmType\":\"code-exec\","
                + "\"priority\":\"high\",\"status\":\"SUCCEEDED\",\"exitCode\":0,\"stdout\":\"1\\n\","
                + "\"stdoutTruncated\":false,\"stderr\":\"\",\"stderrTruncated\":false,\"message\":null,"
                + "\"workerId\":\"worker-1\",\"attempts\":1,\"usage\":{\"cpuMs\":31,\"peakMemoryMb\":9,"
                + "\"outputBytes\":2,\"gatewayCalls\":1,\"gatewayBytes\":null,\"gpuMs\":0},"
                + "\"artifacts\":[{\"name\":\"a.csv\",\"sizeBytes\":3,\"sha256\":\"00ff\"}],\"batchId\":null,"
                + "\"attemptHistory\":[],\"deadLettered\":false,\"labels\":{\"team\":[\"x\"]}}";
        String older = "{\"v\":1,\"id\":\"" + ID + "\",\"tenant\":\"acme\",\"vmType\":\"code-exec\","
                + "\"status\":\"FAILED\",\"exitCode\":1,\"stdout\":\"\",\"stdoutTruncated\":false,"
                + "\"stderr\":\"boom\",\"stderrTruncated\":false,\"message\":\"exited with code 1\","
                + "\"workerId\":\"worker-1\",\"attempts\":1,\"artifacts\":[]}";
        server.on("GET", JOB, json(200, newer), json(200, older));

        JobResult fromNewer = client.get(ID);
        JobResult fromOlder = client.get(ID);

        assertThat(fromNewer.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(fromNewer.usage()).isEqualTo(new ResourceUsage(31L, 9L, 2L, 1, null));
        assertThat(fromNewer.artifacts()).extracting(a -> a.name()).containsExactly("a.csv");
        assertThat(fromOlder.status()).isEqualTo(JobStatus.FAILED);
        assertThat(fromOlder.stderr()).isEqualTo("boom");
        assertThat(fromOlder.usage()).isNull();
        assertThat(fromOlder.attemptHistory()).isEmpty();
        assertThat(fromOlder.deadLettered()).isFalse();
    }

    @Test
    void streamsEventsFromANewerServerSkippingFieldsItDoesNotKnow() {
        String result = FakeKiff.CODEC.writeString(job(ID, JobStatus.SUCCEEDED)).replaceFirst("\\{",
                "{\"addedLater\":{\"nested\":1},");
        server.on("GET", JOB + "/events", sse("id: 1.0\nevent: status\ndata: {\"jobId\":\"" + ID
                + "\",\"status\":\"RUNNING\",\"attempt\":1,\"node\":\"n1\"}\n\n"
                + "id: 1.1\nevent: output\ndata: {\"jobId\":\"" + ID + "\",\"attempt\":1,\"seq\":1,"
                + "\"stream\":\"stdout\",\"data\":\"a\",\"encoding\":\"utf-8\"}\n\n"
                + "id: end\nevent: result\ndata: " + result + "\n\n", false));
        List<JobEvent> events = new ArrayList<>();

        JobResult ended = client.stream(ID, events::add);

        assertThat(ended).isEqualTo(job(ID, JobStatus.SUCCEEDED));
        assertThat(events).hasSize(3);
        assertThat(events.get(0)).isEqualTo(new JobEvent.Status("RUNNING", 1));
        assertThat(((JobEvent.Output) events.get(1)).chunk().data()).isEqualTo("a");
    }

    @Test
    void awaitLongPollsUntilTheJobEnds() {
        server.on("GET", JOB, result(job(ID, JobStatus.QUEUED)), result(job(ID, JobStatus.RUNNING)),
                result(job(ID, JobStatus.SUCCEEDED)));

        JobResult done = client.await(ID, Duration.ofMinutes(2));

        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(server.calls).extracting(FakeKiff.Call::query).containsExactly("wait=30s", "wait=30s", "wait=30s");
    }

    @Test
    void awaitGivesUpAtItsTimeoutAndTakesRetryAfterWhenTheServerDoesNotWait() {
        server.on("GET", JOB, result(job(ID, JobStatus.RUNNING), "Retry-After", "1"));

        assertThatThrownBy(() -> client.await(ID, Duration.ofMillis(300)))
                .isInstanceOf(KiffTimeoutException.class).hasMessageContaining("RUNNING");
        // The hint (1 s) is cut to the time left, and the server is not asked again and again.
        assertThat(server.calls).hasSize(1);
        assertThat(server.calls.get(0).query()).matches("wait=\\d{1,3}ms");
    }

    @Test
    void runSubmitsThenWaits() {
        server.on("POST", "/v1/jobs", json(202, "{\"id\":\"" + ID + "\",\"status\":\"QUEUED\",\"replayed\":false}"))
                .on("GET", JOB, result(job(ID, JobStatus.SUCCEEDED)));

        assertThat(client.run(REQUEST, Duration.ofSeconds(10)).id()).isEqualTo(ID);
    }

    @Test
    void logsFillInWhatTheUrlSays() {
        server.on("GET", JOB + "/logs", json(200, "{\"jobId\":\"" + ID + "\",\"truncated\":false,\"chunks\":["
                + "{\"attempt\":1,\"seq\":1,\"stream\":\"stdout\",\"data\":\"hi\\n\",\"at\":\"2026-11-28T12:00:00Z\"}]}"));

        assertThat(client.logs(ID)).containsExactly(new LogChunk(1, ID, null, 1, 1, "stdout", "hi\n",
                Instant.parse("2026-11-28T12:00:00Z")));
    }

    // --- SSE ---

    private static String status(String id, String status, int attempt) {
        return "id: " + id + "\nevent: status\ndata: {\"jobId\":\"" + ID + "\",\"status\":\"" + status
                + "\",\"attempt\":" + attempt + "}\n\n";
    }

    /** An output event whose JSON is split over two data lines, which the parser must join. */
    private static String output(int seq, String text) {
        return "id: 1." + seq + "\r\nevent: output\r\ndata: {\"jobId\":\"" + ID + "\",\"attempt\":1,\"seq\":" + seq
                + ",\r\ndata: \"stream\":\"stdout\",\"data\":\"" + text + "\"}\r\n\r\n";
    }

    @Test
    void streamResumesWithLastEventIdAfterTheConnectionDrops() {
        String end = "id: end\nevent: result\ndata: " + FakeKiff.CODEC.writeString(job(ID, JobStatus.SUCCEEDED))
                + "\n\n";
        server.on("GET", JOB + "/events",
                // dropped abruptly in the middle of output 1.2: that one must come again, whole
                sse(": keep-alive\n\n" + status("1.0", "QUEUED", 1) + status("1.0", "RUNNING", 1) + output(1, "a")
                        + "id: 1.2\nevent: output\ndata: {\"jobId\":", true),
                // ended cleanly but without a result: also a cut
                sse(output(2, "b"), false),
                sse(output(3, "c") + end, false));
        List<JobEvent> events = new ArrayList<>();

        JobResult result = client.stream(ID, events::add);

        assertThat(result.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(events).hasSize(6);
        assertThat(events.subList(0, 2)).containsExactly(new JobEvent.Status("QUEUED", 1),
                new JobEvent.Status("RUNNING", 1));
        assertThat(events.subList(2, 5)).extracting(e -> ((JobEvent.Output) e).chunk())
                .extracting(LogChunk::seq, LogChunk::data, LogChunk::jobId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "a", ID),
                        org.assertj.core.groups.Tuple.tuple(2, "b", ID),
                        org.assertj.core.groups.Tuple.tuple(3, "c", ID));
        assertThat(events.get(5)).isEqualTo(new JobEvent.Result(result));
        List<FakeKiff.Call> connections = server.calls("GET", JOB + "/events");
        assertThat(connections).extracting(c -> c.header("Last-Event-ID")).containsExactly(null, "1.1", "1.2");
        assertThat(connections.get(0).header("Accept")).isEqualTo("text/event-stream");
        assertThat(connections.get(0).header("Authorization")).isEqualTo("Bearer kiff_secret");
    }

    @Test
    void streamGivesUpWhenReconnectionsBringNothing() {
        server.on("GET", JOB + "/events", sse("retry: 0\n\n", false));

        assertThatThrownBy(() -> client.stream(ID, e -> { })).isExactlyInstanceOf(KiffException.class)
                .hasMessageContaining("lost the events");
        assertThat(server.calls).hasSize(6);
    }

    @Test
    void streamDoesNotRetryARefusal() {
        assertThatThrownBy(() -> client.stream(ID, e -> { })).isInstanceOf(KiffNotFoundException.class);
        assertThat(server.calls).hasSize(1);
    }

    // --- batches ---

    private static final UUID BATCH = UUID.fromString("0d5b7a34-94f1-4bde-9d0f-2f3c1f1f0a01");

    private static String batch(String status, int ended) {
        return FakeKiff.CODEC.writeString(new BatchProgress(BATCH, "acme", 2, status,
                Map.of(JobStatus.SUCCEEDED, ended, JobStatus.QUEUED, 2 - ended), ended, ended / 2.0,
                Instant.parse("2026-11-28T12:00:00Z"), null, null, null));
    }

    @Test
    void batchJobsFollowsTheCursor() {
        UUID[] ids = {UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID()};
        String path = "/v1/batches/" + BATCH + "/jobs";
        server.on("GET", path,
                json(200, "{\"items\":[" + FakeKiff.CODEC.writeString(job(ids[0], JobStatus.FAILED)) + ","
                        + FakeKiff.CODEC.writeString(job(ids[1], JobStatus.FAILED)) + "],\"nextCursor\":\"a+b/c=\"}"),
                json(200, "{\"items\":[],\"nextCursor\":\"d\"}"),
                json(200, "{\"items\":[" + FakeKiff.CODEC.writeString(job(ids[2], JobStatus.FAILED))
                        + "],\"nextCursor\":null}"));

        assertThat(client.batchJobs(BATCH, "FAILED").map(JobResult::id)).containsExactly(ids);
        assertThat(server.calls).extracting(FakeKiff.Call::query)
                .containsExactly("status=FAILED", "status=FAILED&cursor=a+b/c=", "status=FAILED&cursor=d");
    }

    @Test
    void batchesAreSubmittedAwaitedAndCancelled() {
        server.on("POST", "/v1/batches", json(202, "{\"id\":\"" + BATCH + "\",\"size\":2,\"status\":\"RUNNING\"}"))
                .on("GET", "/v1/batches/" + BATCH, json(200, batch("RUNNING", 1)), json(200, batch("COMPLETED", 2)))
                .on("DELETE", "/v1/batches/" + BATCH, json(200, batch("RUNNING", 1)));
        BatchRequest request = new BatchRequest(null, REQUEST, List.of(new BatchInput("1", null, null),
                new BatchInput("2", null, null)), null);

        assertThat(client.submitBatch(request)).isEqualTo(new BatchAccepted(BATCH, 2, "RUNNING"));
        assertThat(client.awaitBatch(BATCH, Duration.ofSeconds(10)).ended()).isEqualTo(2);
        assertThat(client.cancelBatch(BATCH).counts()).containsEntry(JobStatus.QUEUED, 1);
        assertThat(server.calls.get(0).body()).contains("\"template\":").contains("\"inputs\":");
    }
}
