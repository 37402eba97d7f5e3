package dev.kiff.core.submit;

import dev.kiff.model.job.InvalidJobException;
import dev.kiff.core.tenant.QuotaExceededException;
import dev.kiff.model.failure.TransientFailure;
import java.util.Locale;

/**
 * Why a submission was refused, as a category that names the problem type the API answers with; a metric's label
 * takes these few values, never an exception's message.
 */
public enum SubmissionRejection {
    /** The job broke a rule (problem type {@code invalid-job}). */
    INVALID_JOB,
    /** The job was larger than allowed ({@code too-large}). */
    TOO_LARGE,
    /** The tenant was at one of its quotas ({@code quota-exceeded}). */
    QUOTA_EXCEEDED,
    /** Its Idempotency-Key named another job ({@code idempotency-conflict}). */
    IDEMPOTENCY_CONFLICT,
    /** The broker or database did not take it in time (503). */
    UNAVAILABLE,
    /** Anything else (a bug of ours): answered 500. */
    OTHER;

    /** The category of the failure that refused a submission. */
    public static SubmissionRejection of(RuntimeException failure) {
        if (failure instanceof InvalidJobException invalid) {
            return invalid.tooLarge() ? TOO_LARGE : INVALID_JOB;
        }
        if (failure instanceof QuotaExceededException) {
            return QUOTA_EXCEEDED;
        }
        if (failure instanceof IdempotencyConflictException) {
            return IDEMPOTENCY_CONFLICT;
        }
        if (failure instanceof TransientFailure) {
            return UNAVAILABLE;
        }
        return OTHER;
    }

    /** The label value, e.g. {@code quota-exceeded}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
