package dev.kiff.core.submit;

import dev.kiff.model.failure.PermanentFailure;
import java.util.UUID;

/** An {@code Idempotency-Key} came back with a different request than the one it first named. */
public class IdempotencyConflictException extends PermanentFailure {

    private final UUID jobId;

    public IdempotencyConflictException(UUID jobId) {
        super("this Idempotency-Key was already used for a different request (job " + jobId + ")");
        this.jobId = jobId;
    }

    public UUID jobId() {
        return jobId;
    }
}
