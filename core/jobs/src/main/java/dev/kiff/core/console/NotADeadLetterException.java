package dev.kiff.core.console;

import dev.kiff.model.failure.PermanentFailure;
import dev.kiff.model.job.JobStatus;
import java.util.UUID;

/**
 * Only a dead letter can be requeued: the job never was one, or is no longer one (another requeue got there first,
 * and it is queued, running or ended again), or it is a session's run, which is never requeued.
 */
public class NotADeadLetterException extends PermanentFailure {

    private final JobStatus status;

    public NotADeadLetterException(UUID jobId, JobStatus status) {
        this(status, "job " + jobId + " is " + status + " and not a dead letter (any more); only a dead letter is"
                + " requeued");
    }

    private NotADeadLetterException(JobStatus status, String message) {
        super(message);
        this.status = status;
    }

    /** A session's run, dead-lettered or not: it runs only in its session, never again on its own. */
    public static NotADeadLetterException sessionRun(UUID jobId, JobStatus status) {
        return new NotADeadLetterException(status, "job " + jobId + " is a session's run (" + status
                + "); it runs only in its session and is not requeued");
    }

    /** The job's status when the requeue was refused. */
    public JobStatus status() {
        return status;
    }
}
