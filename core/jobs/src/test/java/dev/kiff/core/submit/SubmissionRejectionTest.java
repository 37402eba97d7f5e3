package dev.kiff.core.submit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.core.tenant.QuotaExceededException;
import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.InvalidJobException;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SubmissionRejectionTest {

    @Test
    void namesEachRefusalByItsProblemTypeNeverByItsMessage() {
        assertThat(SubmissionRejection.of(InvalidJobException.of("code", "must not be blank")))
                .isEqualTo(SubmissionRejection.INVALID_JOB);
        assertThat(SubmissionRejection.of(new QuotaExceededException("maxConcurrentJobs", "3 jobs have not ended", java.time.Duration.ofSeconds(1))))
                .as("a quota refusal is transient, and still a quota refusal").isEqualTo(
                        SubmissionRejection.QUOTA_EXCEEDED);
        assertThat(SubmissionRejection.of(new IdempotencyConflictException(UUID.randomUUID())))
                .isEqualTo(SubmissionRejection.IDEMPOTENCY_CONFLICT);
        assertThat(SubmissionRejection.of(new TransientFailure("broker away")))
                .isEqualTo(SubmissionRejection.UNAVAILABLE);
        assertThat(SubmissionRejection.of(new IllegalStateException("a bug")))
                .isEqualTo(SubmissionRejection.OTHER);
    }

    @Test
    void labelsAreTheApisProblemTypes() {
        assertThat(Arrays.stream(SubmissionRejection.values()).map(SubmissionRejection::label)).containsExactly(
                "invalid-job", "too-large", "quota-exceeded", "idempotency-conflict", "unavailable", "other");
    }
}
