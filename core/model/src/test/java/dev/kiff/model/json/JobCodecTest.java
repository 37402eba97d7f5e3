package dev.kiff.model.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kiff.model.control.PoolTargets;
import dev.kiff.model.control.WorkerState;
import dev.kiff.model.job.ArtifactInfo;
import dev.kiff.model.job.InvalidJobException;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobMessage;
import dev.kiff.model.job.JobRequest;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.Language;
import dev.kiff.model.job.Limits;
import dev.kiff.model.job.RequestedLimits;
import dev.kiff.model.job.ResourceUsage;
import dev.kiff.model.job.Timings;
import dev.kiff.model.job.Violation;
import dev.kiff.model.job.VmType;
import dev.kiff.model.output.LogChunk;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JobCodecTest {

    private static final UUID ID = UUID.fromString("6f1c1a7e-2a8e-4a59-9d7e-1b1f1c1a7e2a");

    private static final Instant SUBMITTED_AT = Instant.parse("2026-11-28T12:00:00Z");
    /** A validated job as the API would publish it (the model cannot validate: that needs the VM-type catalogue). */
    private static final Job JOB = new Job(ID, "default", VmType.CODE_EXEC, Language.PYTHON, "print(1)", null,
            Map.of(), Map.of(), new Limits(30_000, 256, 1.0, 64, 1_048_576), SUBMITTED_AT);

    private final JobCodec codec = new JobCodec();

    /** A message with {@code env} and {@code files} in the order given. */
    private static JobMessage messageWith(Map<String, String> env, Map<String, String> files) {
        return new JobMessage(null, null, null, VmType.CODE_EXEC, Language.PYTHON, "print(1)", null, env, files,
                null, null);
    }

    private static Map<String, String> inOrder(String... namesAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return map;
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Violation onlyViolation(Runnable read) {
        InvalidJobException e = catchThrowableOfType(InvalidJobException.class, read::run);
        assertThat(e).as("an InvalidJobException").isNotNull();
        assertThat(e.violations()).hasSize(1);
        return e.violations().get(0);
    }

    private Violation requestViolation(String body) {
        return onlyViolation(() -> codec.readRequest(json(body)));
    }

    // --- round trips ---

    @Test
    void roundTripsAJobMessageWithWireNamesAndIsoInstants() {
        JobMessage message = new JobMessage(1, ID.toString(), "acme", VmType.ML_AGENT, Language.PYTHON,
                "print(input())", "42", Map.of("MODE", "fast"), Map.of("data/in.csv", "a,b"),
                new RequestedLimits(2_000L, 512, 0.5, 32, 4096), Instant.parse("2026-11-28T12:00:00.250Z"));

        String text = codec.writeString(message);

        assertThat(text).contains("\"vmType\":\"ml-agent\"").contains("\"language\":\"python\"")
                .contains("\"submittedAt\":\"2026-11-28T12:00:00.250Z\"").contains("\"id\":\"" + ID + "\"")
                .contains("\"limits\":{\"timeoutMs\":2000,\"memoryMb\":512,\"cpus\":0.5,\"pids\":32,"
                        + "\"outputBytes\":4096}");
        assertThat(codec.readMessage(json(text))).isEqualTo(message);
    }

    @Test
    void roundTripsAValidatedJobThroughItsMessage() {
        JobMessage message = JOB.toMessage();
        assertThat(codec.readMessage(codec.write(message))).isEqualTo(message);
    }

    @Test
    void roundTripsAJobRequest() {
        JobRequest request = new JobRequest(VmType.API_COMPOSITION, Language.BASH, "echo hi", null,
                Map.of("A", "1"), null, null);
        String text = codec.writeString(request);
        assertThat(text).contains("\"vmType\":\"api-composition\"").contains("\"language\":\"bash\"");
        assertThat(codec.readRequest(json(text))).isEqualTo(request);
    }

    @Test
    void roundTripsAJobResultWithWireNamesAndIsoInstants() {
        Timings timings = Timings.of(Instant.parse("2026-11-28T12:00:00Z"), Instant.parse("2026-11-28T12:00:01Z"),
                Instant.parse("2026-11-28T12:00:01.250Z"));
        JobResult result = new JobResult(JobResult.VERSION, ID, "acme", VmType.DATA_PROCESSING, JobStatus.FAILED, 3,
                "partial\n", true, "Traceback…\n", false, "exited with code 3", "worker-7", 2, timings,
                List.of(new ArtifactInfo("report.csv", 1234))).withUsage(new ResourceUsage(87L, 21L, 19L, 1, null));

        String text = codec.writeString(result);

        assertThat(text).contains("\"vmType\":\"data-processing\"").contains("\"status\":\"FAILED\"")
                .contains("\"queuedAt\":\"2026-11-28T12:00:00Z\"")
                .contains("\"finishedAt\":\"2026-11-28T12:00:01.250Z\"")
                .contains("\"queueWaitMs\":1000").contains("\"runTimeMs\":250")
                .contains("\"artifacts\":[{\"name\":\"report.csv\",\"sizeBytes\":1234}]")
                .contains("\"usage\":{\"cpuMs\":87,\"peakMemoryMb\":21,\"outputBytes\":19,\"gatewayCalls\":1,"
                        + "\"gatewayBytes\":null}");
        assertThat(codec.readResult(json(text))).isEqualTo(result);
    }

    @Test
    void readsAResultWrittenBeforeResultsCarriedUsageAsOneWithoutUsage() {
        JobResult queued = JobResult.queued(JOB);
        String text = codec.writeString(queued);
        assertThat(text).contains("\"usage\":null");

        JobResult read = codec.readResult(json(text.replace("\"usage\":null,", "")));

        assertThat(read.usage()).isNull();
        assertThat(read).isEqualTo(queued);
    }

    @Test
    void roundTripsAQueuedResultWithItsNullFields() {
        JobResult queued = JobResult.queued(JOB);
        assertThat(codec.readResult(codec.write(queued))).isEqualTo(queued);
    }

    @Test
    void writesEqualMapsToEqualBytesWhateverTheirOrder() {
        JobMessage ab = messageWith(inOrder("A", "1", "B", "2"), inOrder("x", "1", "y", "2"));
        JobMessage ba = messageWith(inOrder("B", "2", "A", "1"), inOrder("y", "2", "x", "1"));
        assertThat(codec.write(ab)).isEqualTo(codec.write(ba));
    }

    // --- unknown fields ---

    @Test
    void namesAnUnknownTopLevelField() {
        Violation v = requestViolation("{\"vmType\":\"code-exec\",\"language\":\"python\",\"code\":\"1\",\"foo\":1}");
        assertThat(v).isEqualTo(Violation.invalid("foo", "unknown field"));
    }

    @Test
    void namesAnUnknownNestedFieldByItsPath() {
        assertThat(requestViolation("{\"limits\":{\"timeoutMs\":1000,\"bogus\":1}}"))
                .isEqualTo(Violation.invalid("limits.bogus", "unknown field"));
    }

    @Test
    void namesAnUnknownFieldInsideAListByItsIndex() {
        Violation v = onlyViolation(() -> codec.readBatchRequest(
                json("{\"jobs\":[{\"code\":\"1\"},{\"code\":\"2\",\"bogus\":1}]}")));
        assertThat(v.field()).isEqualTo("jobs[1].bogus");
    }

    // --- what Kiff produces is read tolerantly: a newer writer may add fields within v: 1 ---

    @Test
    void readsANewerResultSkippingFieldsItDoesNotKnowAtTopLevelNestedAndInLists() {
        String text = codec.writeString(usedResult());
        String newer = text.replaceFirst("\\{", "{\"priority\":\"high\",\"labels\":{\"a\":[1,{\"b\":null}]},")
                .replace("\"queuedAt\"", "\"leasedAt\":\"2026-11-28T12:00:00.5Z\",\"queuedAt\"")
                .replace("\"gatewayCalls\"", "\"gpuMs\":12,\"gatewayCalls\"")
                .replace("\"sizeBytes\":1234", "\"sizeBytes\":1234,\"sha256\":\"00ff\"");
        assertThat(newer).contains("priority", "leasedAt", "gpuMs", "sha256");

        assertThat(codec.readResult(json(newer))).isEqualTo(usedResult());
    }

    @Test
    void readsAnOlderResultWithoutItsNewestFieldsAsNotHavingThem() {
        String old = "{\"v\":1,\"id\":\"" + ID + "\",\"tenant\":\"acme\",\"vmType\":\"code-exec\","
                + "\"status\":\"SUCCEEDED\",\"exitCode\":0,\"stdout\":\"hi\\n\",\"stdoutTruncated\":false,"
                + "\"stderr\":\"\",\"stderrTruncated\":false,\"message\":null,\"workerId\":\"worker-1\",\"attempts\":1,"
                + "\"timings\":null,\"artifacts\":[]}";

        JobResult read = codec.readResult(json(old));

        assertThat(read.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(read.stdout()).isEqualTo("hi\n");
        assertThat(read.usage()).isNull();
        assertThat(read.batchId()).isNull();
        assertThat(read.attemptHistory()).isEmpty();
        assertThat(read.deadLettered()).isFalse();
    }

    @Test
    void readsNewerMessagesAndRecordsOfEveryKindKiffProducesSkippingUnknownFields() {
        JobMessage message = JOB.toMessage();
        assertThat(codec.readMessage(json(withExtraField(codec.writeString(message))))).isEqualTo(message);

        LogChunk chunk = new LogChunk(LogChunk.VERSION, ID, "acme", 1, 3, LogChunk.STDOUT, "line\n",
                Instant.parse("2026-11-28T12:00:00Z"));
        assertThat(codec.readLogChunk(json(withExtraField(codec.writeString(chunk))))).isEqualTo(chunk);

        PoolTargets targets = new PoolTargets(PoolTargets.VERSION, "worker-1", Map.of(VmType.CODE_EXEC, 2),
                Instant.parse("2026-11-28T12:00:00Z"), "scheduler-1");
        assertThat(codec.readPoolTargets(json(withExtraField(codec.writeString(targets))))).isEqualTo(targets);

        WorkerState state = new WorkerState(WorkerState.VERSION, "worker-1", Instant.parse("2026-11-28T12:00:00Z"),
                4, List.of());
        assertThat(codec.readWorkerState(json(withExtraField(codec.writeString(state))))).isEqualTo(state);

        assertThat(codec.readArtifactList("[{\"name\":\"a\",\"sizeBytes\":1,\"sha256\":\"00\"}]"))
                .containsExactly(new ArtifactInfo("a", 1));
    }

    @Test
    void anUnknownStatusIsStillAnErrorBecauseAReaderCannotTellWhetherItIsTerminal() {
        String text = codec.writeString(usedResult()).replace("\"FAILED\"", "\"PAUSED\"");
        assertThat(onlyViolation(() -> codec.readResult(json(text))).field()).isEqualTo("status");
    }

    private static String withExtraField(String object) {
        return object.replaceFirst("\\{", "{\"addedLater\":{\"nested\":[1,2]},");
    }

    private static JobResult usedResult() {
        Timings timings = Timings.of(Instant.parse("2026-11-28T12:00:00Z"), Instant.parse("2026-11-28T12:00:01Z"),
                Instant.parse("2026-11-28T12:00:01.250Z"));
        return new JobResult(JobResult.VERSION, ID, "acme", VmType.DATA_PROCESSING, JobStatus.FAILED, 3,
                "partial\n", true, "Traceback…\n", false, "exited with code 3", "worker-7", 2, timings,
                List.of(new ArtifactInfo("report.csv", 1234))).withUsage(new ResourceUsage(87L, 21L, 19L, 1, null));
    }

    // --- enums ---

    @Test
    void namesAnUnknownVmTypeAndListsTheAllowedValues() {
        Violation v = requestViolation("{\"vmType\":\"gpu\"}");
        assertThat(v.field()).isEqualTo("vmType");
        assertThat(v.message())
                .isEqualTo("unknown vmType 'gpu', expected one of "
                        + "code-exec, ml-agent, api-composition, data-processing");
    }

    @Test
    void readsVmTypesByWireNameOnlyNotByJavaName() {
        assertThat(requestViolation("{\"vmType\":\"CODE_EXEC\"}").field()).isEqualTo("vmType");
        assertThat(codec.readRequest(json("{\"vmType\":\"code-exec\"}")).vmType()).isEqualTo(VmType.CODE_EXEC);
    }

    @Test
    void namesAnUnknownLanguageAndListsTheAllowedValues() {
        Violation v = requestViolation("{\"language\":\"ruby\"}");
        assertThat(v.field()).isEqualTo("language");
        assertThat(v.message()).isEqualTo("unknown language 'ruby', expected one of python, node, bash");
    }

    // --- wrong types ---

    @Test
    void namesALimitOfTheWrongType() {
        assertThat(requestViolation("{\"limits\":{\"timeoutMs\":\"abc\"}}").field()).isEqualTo("limits.timeoutMs");
    }

    @Test
    void namesAFileWhoseContentIsNotAString() {
        assertThat(requestViolation("{\"files\":{\"../x\":{}}}").field()).isEqualTo("files[\"../x\"]");
    }


    // --- malformed bodies: the whole document, "$" ---

    @ParameterizedTest
    @ValueSource(strings = {"{\"vmType\":", "{\"code\":\"1\"", "not json", "{'code':'1'}", "{\"code\":\"1\"} // c"})
    void reportsMalformedJsonAsTheWholeDocument(String body) {
        Violation v = requestViolation(body);
        assertThat(v.field()).isEqualTo("$");
        assertThat(v.message()).startsWith("malformed JSON: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{} x", "{}{}", "{\"code\":\"1\"} ]", "{} null", "{\"code\":\"1\"} {\"code\":\"2\"}"})
    void rejectsTrailingContentAfterTheObject(String body) {
        assertThat(requestViolation(body).field()).isEqualTo("$");
    }

    @Test
    void acceptsTrailingWhitespaceAfterTheObject() {
        assertThat(codec.readRequest(json("{\"code\":\"1\"}\n  ")).code()).isEqualTo("1");
    }

    @Test
    void rejectsAnEmptyBodyForEveryKindOfDocument() {
        List<Function<byte[], Object>> readers = List.of(codec::readRequest, codec::readMessage, codec::readResult);
        for (Function<byte[], Object> read : readers) {
            assertThat(onlyViolation(() -> read.apply(new byte[0])))
                    .isEqualTo(Violation.invalid("$", "body is empty, expected a JSON object"));
            assertThat(onlyViolation(() -> read.apply(null)).field()).isEqualTo("$");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"   ", "null", "[]", "42", "\"job\""})
    void rejectsABodyThatIsNotAnObject(String body) {
        assertThat(onlyViolation(() -> codec.readMessage(json(body))).field()).isEqualTo("$");
    }

    @Test
    void aPoolReportFromBeforeSessionsReadsAsHoldingNone() {
        String older = "{\"v\":1,\"workerId\":\"w1\",\"at\":\"2026-11-28T12:00:00Z\",\"capacity\":4,\"pools\":"
                + "[{\"vmType\":\"code-exec\",\"target\":2,\"idle\":2,\"busy\":0,\"starting\":0,\"capacity\":4,"
                + "\"served\":0,\"busySeconds\":0}]}";

        WorkerState state = codec.readWorkerState(json(older));

        assertThat(state.pools().get(0).sessions()).isZero();
        assertThat(state.poolRoom()).isEqualTo(4);
    }

    @Test
    void controlRecordsRoundTripWithVmTypesByTheirWireNames() {
        var state = new dev.kiff.model.control.WorkerState(1, "w1", SUBMITTED_AT, 8, java.util.List.of(
                new dev.kiff.model.control.PoolStatus(dev.kiff.model.job.VmType.CODE_EXEC, 2, 1, 1, 0, 8, 10, 4.5)));
        var targets = new dev.kiff.model.control.PoolTargets(1, "w1",
                java.util.Map.of(dev.kiff.model.job.VmType.ML_AGENT, 3), SUBMITTED_AT, "s1");

        assertThat(codec.readWorkerState(codec.write(state))).isEqualTo(state);
        assertThat(codec.readPoolTargets(codec.write(targets))).isEqualTo(targets);
        assertThat(new String(codec.write(targets), java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"ml-agent\":3");
    }
}
