package dev.kiff.core.exec;

import dev.kiff.model.job.JobResult;

/**
 * What one delivery of a job came to in {@link JobExecutor#execute}: the caller is done with the delivery, or handles
 * it again later, and how much later depends on why. A platform failure is not an execution: it is thrown as a
 * {@link dev.kiff.model.failure.TransientFailure} (or another exception), with the job back in QUEUED.
 */
public sealed interface Execution {

    /** The job's stored state as this call left it. */
    JobResult state();

    /**
     * The job has its one result, which is stored and was published (again): it ran to its end here, or it had ended
     * before this delivery (cancelled, run by an earlier delivery, dead-lettered), or another actor ended it first.
     * The delivery is done.
     */
    record Ended(JobResult result) implements Execution {
        @Override
        public JobResult state() {
            return result;
        }
    }

    /**
     * The job is QUEUED again and runs nowhere: its run failed and its retry policy asked for another, or another
     * actor put it back meanwhile. Handle the delivery again after a back-off, as a platform failure would be.
     */
    record Requeued(JobResult state) implements Execution {
    }

    /**
     * Another worker runs the job under a live lease ({@code state().workerId()}): it was not run here, so that it
     * does not run twice. Handle the delivery again once that lease may have run out: if the worker died meanwhile,
     * the job is run then as a new attempt.
     */
    record HeldElsewhere(JobResult state) implements Execution {
    }
}
