package dev.kiff.core.job;

import static dev.kiff.core.job.JobValidator.MAX_CODE_BYTES;
import static dev.kiff.core.job.JobValidator.MAX_ENV_ENTRIES;
import static dev.kiff.core.job.JobValidator.MAX_FILES;
import static dev.kiff.core.job.JobValidator.MAX_FILES_BYTES;
import static dev.kiff.core.job.JobValidator.MAX_STDIN_BYTES;
import static dev.kiff.core.job.Jobs.CATALOGUE;
import static dev.kiff.core.job.Jobs.SUBMITTED_AT;
import static dev.kiff.core.job.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import dev.kiff.model.job.InvalidJobException;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.Language;
import dev.kiff.model.job.Limits;
import dev.kiff.model.job.RequestedLimits;
import dev.kiff.model.job.Violation;
import dev.kiff.model.job.VmType;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class JobValidatorTest {

    private static final UUID ID = UUID.fromString("6f1c1a7e-2a8e-4a59-9d7e-1b1f1c1a7e2a");
    private static final UUID FALLBACK_ID = UUID.fromString("00000000-0000-4000-8000-000000000001");
    private static final Instant RECORD_TIME = Instant.parse("2026-11-28T12:00:05Z");

    private final JobValidator validator = new JobValidator(CATALOGUE);

    private Job accept(Jobs job) {
        return validator.validate(job.request(), ID, Job.DEFAULT_TENANT, SUBMITTED_AT);
    }

    private InvalidJobException refuse(Jobs job) {
        return catchThrowableOfType(InvalidJobException.class,
                () -> validator.validate(job.request(), ID, Job.DEFAULT_TENANT, SUBMITTED_AT));
    }

    private Job acceptMessage(Jobs job) {
        return validator.validate(job.message(), FALLBACK_ID, RECORD_TIME);
    }

    private InvalidJobException refuseMessage(Jobs job) {
        return catchThrowableOfType(InvalidJobException.class,
                () -> validator.validate(job.message(), FALLBACK_ID, RECORD_TIME));
    }

    // --- defaults and the accepted job ---

    static Stream<Arguments> defaultsOfEveryVmType() {
        return Stream.of(
                Arguments.of(VmType.CODE_EXEC, new Limits(10_000, 256, 1.0, 64, 65_536)),
                Arguments.of(VmType.ML_AGENT, new Limits(30_000, 512, 1.0, 64, 65_536)),
                Arguments.of(VmType.API_COMPOSITION, new Limits(30_000, 256, 1.0, 64, 65_536)),
                Arguments.of(VmType.DATA_PROCESSING, new Limits(60_000, 1024, 2.0, 128, 262_144)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("defaultsOfEveryVmType")
    void appliesTheDefaultsOfTheJobsVmTypeWhenItAsksForNoLimits(VmType vmType, Limits defaults) {
        assertThat(accept(job().vmType(vmType)).limits()).isEqualTo(defaults);
        assertThat(accept(job().vmType(vmType).limits(RequestedLimits.NONE)).limits()).isEqualTo(defaults);
    }

    @Test
    void fillsOnlyTheLimitsTheJobLeftOut() {
        Job accepted = accept(job().vmType(VmType.ML_AGENT).limits(new RequestedLimits(2_000L, null, 0.5, null, 4096)));
        assertThat(accepted.limits()).isEqualTo(new Limits(2_000, 512, 0.5, 64, 4096));
    }

    @Test
    void acceptsAValidRequestKeepingItsFieldsAndTheServersIdTenantAndTime() {
        Job accepted = accept(job("import sys; print(sys.stdin.read())").stdin("hi").env("MODE", "fast")
                .file("data/in.csv", "a,b"));
        assertThat(accepted.id()).isEqualTo(ID);
        assertThat(accepted.tenant()).isEqualTo(Job.DEFAULT_TENANT);
        assertThat(accepted.submittedAt()).isEqualTo(SUBMITTED_AT);
        assertThat(accepted.vmType()).isEqualTo(VmType.CODE_EXEC);
        assertThat(accepted.language()).isEqualTo(Language.PYTHON);
        assertThat(accepted.code()).isEqualTo("import sys; print(sys.stdin.read())");
        assertThat(accepted.stdin()).isEqualTo("hi");
        assertThat(accepted.env()).containsExactly(entry("MODE", "fast"));
        assertThat(accepted.files()).containsExactly(entry("data/in.csv", "a,b"));
    }

    @Test
    void turnsAbsentStdinEnvAndFilesIntoEmptyValues() {
        Job accepted = accept(job());
        assertThat(accepted.stdin()).isEmpty();
        assertThat(accepted.env()).isEmpty();
        assertThat(accepted.files()).isEmpty();
    }

    // --- violations, all at once, by field ---

    @Test
    void reportsEveryMissingRequiredFieldAtOnce() {
        InvalidJobException e = refuse(job().vmType(null).language(null).code(null));
        assertThat(e.violations()).extracting(Violation::field).containsExactly("vmType", "language", "code");
        assertThat(e.violations().get(0).message())
                .contains("code-exec, ml-agent, api-composition, data-processing");
        assertThat(e.tooLarge()).isFalse();
    }

    @Test
    void reportsEveryViolationAtOnceWithItsFieldName() {
        InvalidJobException e = refuse(job().language(null).code("  \n")
                .env("KIFF_X", "1")
                .file("../x", "escape").file(".hidden", "dot").file("/etc/passwd", "abs").file("ok/fine.txt", "ok")
                .limits(new RequestedLimits(null, 99_999, null, null, null)));
        assertThat(e.violations()).extracting(Violation::field).containsExactly(
                "language", "code", "env.KIFF_X", "files[\"../x\"]", "files[\".hidden\"]", "files[\"/etc/passwd\"]",
                "limits.memoryMb");
        assertThat(e.violations()).noneMatch(Violation::tooLarge);
        assertThat(e.getMessage()).contains("env.KIFF_X: names starting with KIFF_ are reserved")
                .contains("code: is required and must not be blank");
    }

    @Test
    void rejectsALanguageTheVmTypeDoesNotOffer() {
        InvalidJobException e = refuse(job().vmType(VmType.DATA_PROCESSING).language(Language.NODE));
        assertThat(e.violations()).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("language");
            assertThat(v.message()).isEqualTo("node is not available for vmType data-processing, which offers "
                    + "[python, bash]");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/../../x", ".env", "dir/.git/config", "/abs", "/etc/passwd", "", "a//b", "a/",
        "sp ace.txt", "back\\slash", "ü.txt"})
    void rejectsFileNamesThatAreNotPlainRelativePaths(String name) {
        assertThat(refuse(job().file(name, "x")).violations()).extracting(Violation::field)
                .containsExactly(Violation.path("files", name));
    }

    @Test
    void namesAFileThatEscapesWithItsQuotedPath() {
        assertThat(refuse(job().file("../x", "x")).violations()).extracting(Violation::field)
                .containsExactly("files[\"../x\"]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.py", "data/in.csv", "a-b_c.txt", "x..y", "deep/er/still.json"})
    void acceptsPlainRelativeFileNames(String name) {
        assertThat(accept(job().file(name, "x")).files()).containsKey(name);
    }

    @Test
    void rejectsAFileWithoutContent() {
        assertThat(refuse(job().file("a.txt", null)).getMessage())
                .isEqualTo("files[\"a.txt\"]: content must be a string");
    }

    @Test
    void reservesKiffEnvironmentNamesAndRejectsMalformedOnes() {
        InvalidJobException e = refuse(job().env("KIFF_X", "1").env("1BAD", "1").env("OK_NAME", "a\0b")
                .env("NULL_VALUE", null));
        assertThat(e.violations()).extracting(Violation::field, Violation::message).containsExactly(
                tuple("env.KIFF_X", "names starting with KIFF_ are reserved"),
                tuple("env[\"1BAD\"]", "name must match [A-Za-z_][A-Za-z0-9_]{0,127}"),
                tuple("env.OK_NAME", "value must not contain NUL"),
                tuple("env.NULL_VALUE", "value must be a string"));
    }

    // --- size caps ---

    @Test
    void acceptsCodeOfExactlyTheCap() {
        assertThat(accept(job("#".repeat(MAX_CODE_BYTES))).code()).hasSize(MAX_CODE_BYTES);
    }

    @Test
    void flagsCodeOverTheCapAsTooLarge() {
        InvalidJobException e = refuse(job("#".repeat(MAX_CODE_BYTES + 1)));
        assertThat(e.violations()).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("code");
            assertThat(v.tooLarge()).isTrue();
            assertThat(v.message()).isEqualTo((MAX_CODE_BYTES + 1) + " bytes exceed the cap of " + MAX_CODE_BYTES);
        });
        assertThat(e.tooLarge()).isTrue();
    }

    @Test
    void countsTheCodeCapInUtf8BytesNotCharacters() {
        String twoBytesEach = "é".repeat(MAX_CODE_BYTES / 2 + 1);
        assertThat(twoBytesEach.length()).isLessThan(MAX_CODE_BYTES);
        assertThat(refuse(job("#" + twoBytesEach)).tooLarge()).isTrue();
    }

    @Test
    void flagsStdinOverTheCapAsTooLarge() {
        InvalidJobException e = refuse(job().stdin("x".repeat(MAX_STDIN_BYTES + 1)));
        assertThat(e.violations()).extracting(Violation::field).containsExactly("stdin");
        assertThat(e.tooLarge()).isTrue();
    }

    @Test
    void flagsFilesOverTheTotalCapAsTooLargeEvenWhenEachIsSmall() {
        int half = MAX_FILES_BYTES / 2;
        assertThat(accept(job().file("a", "x".repeat(half)).file("b", "x".repeat(half))).files()).hasSize(2);
        InvalidJobException e = refuse(job().file("a", "x".repeat(half)).file("b", "x".repeat(half + 1)));
        assertThat(e.violations()).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("files");
            assertThat(v.tooLarge()).isTrue();
            assertThat(v.message()).contains("exceed the cap of " + MAX_FILES_BYTES);
        });
        assertThat(e.tooLarge()).isTrue();
    }

    @Test
    void flagsTooManyFilesAndTooManyVariablesAsTooLarge() {
        Jobs crowded = job();
        for (int i = 0; i <= MAX_FILES; i++) {
            crowded.file("f" + i, "");
        }
        for (int i = 0; i <= MAX_ENV_ENTRIES; i++) {
            crowded.env("V" + i, "");
        }
        InvalidJobException e = refuse(crowded);
        assertThat(e.violations()).extracting(Violation::field).containsExactly("env", "files");
        assertThat(e.tooLarge()).isTrue();
    }

    @Test
    void isTooLargeOnlyWhenEveryViolationIsASizeCap() {
        Jobs oversized = job("#".repeat(MAX_CODE_BYTES + 1)).stdin("x".repeat(MAX_STDIN_BYTES + 1))
                .file("a", "x".repeat(MAX_FILES_BYTES + 1));
        InvalidJobException allCaps = refuse(oversized);
        assertThat(allCaps.violations()).extracting(Violation::field).containsExactly("code", "stdin", "files");
        assertThat(allCaps.tooLarge()).isTrue();

        InvalidJobException mixed = refuse(oversized.env("KIFF_X", "1"));
        assertThat(mixed.violations()).extracting(Violation::field)
                .containsExactly("code", "stdin", "env.KIFF_X", "files");
        assertThat(mixed.tooLarge()).isFalse();
    }

    // --- limits ---

    @Test
    void acceptsLimitsExactlyAtTheMinimumAndAtTheVmTypeMaximum() {
        assertThat(accept(job().limits(RequestedLimits.of(Limits.MINIMUM))).limits()).isEqualTo(Limits.MINIMUM);
        Limits max = CATALOGUE.policy(VmType.CODE_EXEC).maximum();
        assertThat(accept(job().limits(RequestedLimits.of(max))).limits()).isEqualTo(max);
    }

    @Test
    void rejectsEveryLimitBelowTheMinimum() {
        InvalidJobException e = refuse(job().limits(new RequestedLimits(99L, 15, 0.04, 7, 1023)));
        assertThat(e.violations()).extracting(Violation::field, Violation::message).containsExactly(
                tuple("limits.timeoutMs", "99 is below the minimum 100"),
                tuple("limits.memoryMb", "15 is below the minimum 16"),
                tuple("limits.cpus", "0.04 is below the minimum 0.05"),
                tuple("limits.pids", "7 is below the minimum 8"),
                tuple("limits.outputBytes", "1023 is below the minimum 1024"));
        assertThat(e.tooLarge()).isFalse();
    }

    @Test
    void rejectsEveryLimitAboveTheVmTypeMaximum() {
        InvalidJobException e = refuse(job().limits(new RequestedLimits(60_001L, 1025, 2.5, 257, 1_048_577)));
        assertThat(e.violations()).extracting(Violation::field).containsExactly(
                "limits.timeoutMs", "limits.memoryMb", "limits.cpus", "limits.pids", "limits.outputBytes");
        assertThat(e.violations().get(1).message()).isEqualTo("1025 exceeds the maximum 1024 for vmType code-exec");
        assertThat(e.tooLarge()).isFalse();
    }

    @Test
    void rejectsLimitsAboveTheVmTypeMaximumThatAnotherVmTypeAllows() {
        RequestedLimits fourGigabytes = new RequestedLimits(null, 4096, null, null, null);
        assertThat(accept(job().vmType(VmType.DATA_PROCESSING).limits(fourGigabytes)).limits().memoryMb())
                .isEqualTo(4096);
        assertThat(refuse(job().vmType(VmType.CODE_EXEC).limits(fourGigabytes)).violations())
                .extracting(Violation::field).containsExactly("limits.memoryMb");
    }

    // --- a job read from a topic ---

    @Test
    void takesTheIdTenantAndTimeFromTheMessage() {
        Instant sent = Instant.parse("2026-11-28T11:59:00Z");
        Job accepted = acceptMessage(job().v(1).id(ID).tenant("acme-1").submittedAt(sent));
        assertThat(accepted.id()).isEqualTo(ID);
        assertThat(accepted.tenant()).isEqualTo("acme-1");
        assertThat(accepted.submittedAt()).isEqualTo(sent);
    }

    @Test
    void usesTheFallbackIdRecordTimeAndDefaultTenantForWhatTheMessageLeavesOut() {
        Job accepted = acceptMessage(job());
        assertThat(accepted.id()).isEqualTo(FALLBACK_ID);
        assertThat(accepted.tenant()).isEqualTo(Job.DEFAULT_TENANT);
        assertThat(accepted.submittedAt()).isEqualTo(RECORD_TIME);
        assertThat(accepted.limits()).isEqualTo(CATALOGUE.policy(VmType.CODE_EXEC).defaults());
    }

    @Test
    void reportsAnIdThatIsNotAUuidAsFieldId() {
        assertThat(refuseMessage(job().id("job-42")).violations()).extracting(Violation::field, Violation::message)
                .containsExactly(tuple("id", "not a UUID"));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2, 99})
    void reportsAnUnsupportedContractVersionAsFieldV(int version) {
        assertThat(refuseMessage(job().v(version)).violations()).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("v");
            assertThat(v.message()).isEqualTo("unsupported contract version " + version + ", expected 1");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bad Tenant!", "", "-leading", "UPPER", "a.b"})
    void reportsATenantThatIsNotASlugAsFieldTenant(String tenant) {
        assertThat(refuseMessage(job().tenant(tenant)).violations()).extracting(Violation::field)
                .containsExactly("tenant");
    }

    @Test
    void reportsATenantLongerThanTheCap() {
        String longest = "t".repeat(JobValidator.MAX_TENANT_LENGTH);
        assertThat(acceptMessage(job().tenant(longest)).tenant()).isEqualTo(longest);
        assertThat(refuseMessage(job().tenant(longest + "t")).violations()).extracting(Violation::field)
                .containsExactly("tenant");
    }

    @Test
    void reportsMessageEnvelopeViolationsTogetherWithTheJobsOwn() {
        InvalidJobException e = refuseMessage(job().v(2).id("nope").tenant("Bad Tenant!").code(""));
        assertThat(e.violations()).extracting(Violation::field).containsExactly("v", "id", "tenant", "code");
    }
}
