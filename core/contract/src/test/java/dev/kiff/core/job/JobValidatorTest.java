package dev.kiff.core.job;

import static dev.kiff.core.job.JobFixtures.CATALOGUE;
import static dev.kiff.core.job.JobFixtures.SUBMITTED_AT;
import static dev.kiff.core.job.JobFixtures.python;
import static dev.kiff.core.job.JobFixtures.withEnv;
import static dev.kiff.core.job.JobFixtures.withFiles;
import static dev.kiff.core.job.JobFixtures.withLimits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobValidatorTest {

    private final JobValidator validator = new JobValidator(CATALOGUE);

    private Job validate(JobRequest request) {
        return validator.validate(request, UUID.randomUUID(), Job.DEFAULT_TENANT, SUBMITTED_AT);
    }

    private InvalidJobException refusal(JobRequest request) {
        return (InvalidJobException) org.assertj.core.api.Assertions.catchThrowable(() -> validate(request));
    }

    @Test
    void fillsMissingLimitsFromTheVmTypeDefaults() {
        Job job = validate(withLimits(python("print(1)"), new RequestedLimits(2000L, null, null, null, null)));
        assertThat(job.limits()).isEqualTo(new Limits(2000, 256, 1.0, 64, 65536));
    }

    @Test
    void reportsEveryViolationAtOnceByFieldName() {
        JobRequest request = new JobRequest(null, null, " ", null, null, null, null);
        assertThat(refusal(request).violations()).extracting(Violation::field)
                .containsExactly("vmType", "language", "code");
    }

    @Test
    void rejectsLimitsAboveTheVmTypeMaximumAndBelowTheMinimum() {
        InvalidJobException e = refusal(withLimits(python("1"), new RequestedLimits(50L, 99_999, 0.5, 64, 1024)));
        assertThat(e.violations()).extracting(Violation::field).containsExactly("limits.timeoutMs", "limits.memoryMb");
        assertThat(e.getMessage()).contains("99999 exceeds the maximum 1024 for vmType code-exec")
                .contains("50 is below the minimum 100");
        assertThat(e.tooLarge()).isFalse();
    }

    @Test
    void rejectsALanguageTheVmTypeDoesNotOffer() {
        JobRequest request = new JobRequest(VmType.DATA_PROCESSING, Language.NODE, "1", null, null, null, null);
        assertThat(refusal(request).getMessage()).contains("language: node is not available for vmType data-processing");
    }

    @Test
    void rejectsFileNamesThatEscapeOrHide() {
        InvalidJobException e = refusal(withFiles(python("1"),
                Map.of("../etc/passwd", "x", "/abs", "x", ".hidden", "x", "ok/name.txt", "x")));
        assertThat(e.violations()).extracting(Violation::field).containsExactlyInAnyOrder(
                "files[\"../etc/passwd\"]", "files[\"/abs\"]", "files[\".hidden\"]");
    }

    @Test
    void reservesKiffEnvironmentNames() {
        assertThat(refusal(withEnv(python("1"), Map.of("KIFF_ML_URL", "x"))).violations())
                .extracting(Violation::field).containsExactly("env.KIFF_ML_URL");
    }

    @Test
    void flagsSizeCapsAsTooLarge() {
        InvalidJobException e = refusal(python("x".repeat(JobValidator.MAX_CODE_BYTES + 1)));
        assertThat(e.tooLarge()).isTrue();
        assertThat(e.violations()).extracting(Violation::field).containsExactly("code");
        assertThat(refusal(withFiles(python("1"), Map.of("a", "x".repeat(JobValidator.MAX_FILES_BYTES + 1))))
                .tooLarge()).isTrue();
    }

    @Test
    void isNotTooLargeWhenAnyViolationIsPlainInvalid() {
        JobRequest request = new JobRequest(VmType.CODE_EXEC, null, "x".repeat(JobValidator.MAX_CODE_BYTES + 1),
                null, null, null, null);
        assertThat(refusal(request).tooLarge()).isFalse();
    }

    @Test
    void takesTheIdFromTheMessageOrElseTheFallback() {
        UUID id = UUID.randomUUID();
        UUID fallback = UUID.randomUUID();
        JobMessage named = new JobMessage(null, id.toString(), null, VmType.CODE_EXEC, Language.BASH, "true", null,
                null, null, null, null);
        JobMessage unnamed = new JobMessage(null, null, null, VmType.CODE_EXEC, Language.BASH, "true", null, null,
                null, null, null);
        assertThat(validator.validate(named, fallback, SUBMITTED_AT).id()).isEqualTo(id);
        Job job = validator.validate(unnamed, fallback, SUBMITTED_AT);
        assertThat(job.id()).isEqualTo(fallback);
        assertThat(job.tenant()).isEqualTo(Job.DEFAULT_TENANT);
        assertThat(job.submittedAt()).isEqualTo(SUBMITTED_AT);
    }

    @Test
    void reportsABadIdVersionAndTenantOfAMessage() {
        JobMessage message = new JobMessage(2, "nope", "Bad Tenant!", VmType.CODE_EXEC, Language.BASH, "true", null,
                null, null, null, null);
        assertThatThrownBy(() -> validator.validate(message, UUID.randomUUID(), SUBMITTED_AT))
                .isInstanceOfSatisfying(InvalidJobException.class, e -> assertThat(e.violations())
                        .extracting(Violation::field).containsExactly("v", "id", "tenant"));
    }
}
