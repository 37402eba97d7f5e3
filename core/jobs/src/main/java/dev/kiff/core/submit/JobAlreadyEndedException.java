package dev.kiff.core.submit;

import dev.kiff.model.failure.PermanentFailure;
import dev.kiff.model.job.JobStatus;
import java.util.UUID;

/** A job that already ended (other than CANCELLED) cannot be cancelled: its result stands. */
public class JobAlreadyEndedException extends PermanentFailure {

    private final JobStatus status;

    public JobAlreadyEndedException(UUID jobId, JobStatus status) {
        super("job " + jobId + " already ended " + status + "; its result stands");
        this.status = status;
    }

    public JobStatus status() {
        return status;
    }
}
