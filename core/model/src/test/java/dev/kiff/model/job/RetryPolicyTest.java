package dev.kiff.model.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static Job jobWith(RetryPolicy retry) {
        return new Job(UUID.randomUUID(), "acme", VmType.CODE_EXEC, Language.PYTHON, "print(1)", null, Map.of(),
                Map.of(), new Limits(1_000, 64, 0.5, 16, 1024), Instant.parse("2026-11-28T12:00:00Z"), null, null,
                retry);
    }

    @Test
    void retriesFailuresOfTheCodeOnlyWhenAskedAndWhileAttemptsRemain() {
        RetryPolicy twice = new RetryPolicy(2, true);

        assertThat(twice.retries(JobStatus.FAILED, 1)).isTrue();
        assertThat(twice.retries(JobStatus.TIMED_OUT, 1)).isTrue();
        assertThat(twice.retries(JobStatus.OOM_KILLED, 1)).isTrue();
        assertThat(twice.retries(JobStatus.FAILED, 2)).isFalse();
    }

    @Test
    void neverRetriesASuccessACancellationOrAPlatformError() {
        RetryPolicy eager = new RetryPolicy(10, true);

        assertThat(eager.retries(JobStatus.SUCCEEDED, 1)).isFalse();
        assertThat(eager.retries(JobStatus.CANCELLED, 1)).isFalse();
        assertThat(eager.retries(JobStatus.ERROR, 1)).isFalse();
    }

    @Test
    void theDefaultPolicyDoesNotRetryAFailureOfTheCode() {
        assertThat(RetryPolicy.DEFAULT.retries(JobStatus.FAILED, 1)).isFalse();
        assertThat(new RetryPolicy(5, null).retries(JobStatus.FAILED, 1)).isFalse();
    }

    @Test
    void resolvesOmittedFieldsToTheDefaults() {
        assertThat(new RetryPolicy(null, null).resolved()).isEqualTo(RetryPolicy.DEFAULT);
        assertThat(new RetryPolicy(null, true).resolved()).isEqualTo(new RetryPolicy(3, true));
        assertThat(jobWith(null).retry()).isEqualTo(RetryPolicy.DEFAULT);
        assertThat(jobWith(new RetryPolicy(null, true)).retry()).isEqualTo(new RetryPolicy(3, true));
    }

    @Test
    void allowsAttemptsUpToMaxAttempts() {
        assertThat(RetryPolicy.DEFAULT.allowsAttempt(3)).isTrue();
        assertThat(RetryPolicy.DEFAULT.allowsAttempt(4)).isFalse();
        assertThat(new RetryPolicy(1, false).allowsAttempt(2)).isFalse();
    }
}
