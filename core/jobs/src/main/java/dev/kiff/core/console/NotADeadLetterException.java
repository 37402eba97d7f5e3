package dev.kiff.core.console;

import dev.kiff.model.failure.PermanentFailure;
import dev.kiff.model.job.JobStatus;
import java.util.UUID;

/**
 * Only a dead letter can be requeued: the job never was one, or is no longer one (another requeue got there first,
 * and it is queued, running or ended again).
 */
public class NotADeadLetterException extends PermanentFailure {

    private final JobStatus status;

    public NotADeadLetterException(UUID jobId, JobStatus status) {
        super("job " + jobId + " is " + status + " and not a dead letter (any more); only a dead letter is requeued");
        this.status = status;
    }

    /** The job's status when the requeue was refused. */
    public JobStatus status() {
        return status;
    }
}
