package dev.kiff.core.submit;

import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.VmType;

/**
 * Hears every submission's outcome, and every cancellation (which the API ends, not a worker), for the operator's
 * figures. Implementations must be quick and must not throw;
 * every method does nothing by default, and {@link #NONE} counts nothing.
 */
public interface SubmissionMetrics {

    /** Counts nothing. */
    SubmissionMetrics NONE = new SubmissionMetrics() {
    };

    /**
     * The job was accepted (stored, and queued or held for the tenant's window).
     *
     * @param replayed whether it was a repeat of a job already submitted with the same Idempotency-Key
     */
    default void accepted(String tenant, VmType type, boolean replayed) {
    }

    /** The submission was refused; {@code type} is null when the request named no valid VM type. */
    default void rejected(String tenant, VmType type, SubmissionRejection rejection) {
    }

    /** The job was cancelled by its client, alone or with its batch, while it was {@code was} (QUEUED or RUNNING). */
    default void cancelled(String tenant, VmType type, JobStatus was) {
    }
}
