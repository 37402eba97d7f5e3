package dev.kiff.core.exec;

import dev.kiff.model.job.JobResult;

/**
 * What a caller of {@link JobExecutor#execute(dev.kiff.model.job.Job, dev.kiff.core.port.SandboxRuntime, RunEnd)}
 * adds to the end of a run: a session's run carries its display items, moves its session before its result is
 * published (a client that sends its next run as soon as it has this result must find the session idle), and is
 * never run again after a platform failure (its state lives in one sandbox only).
 */
public interface RunEnd {

    /** A plain job: nothing added, and a platform failure puts it back in QUEUED for another try. */
    RunEnd JOB = new RunEnd() {
    };

    /** The result as it will be stored. */
    default JobResult amend(JobResult result) {
        return result;
    }

    /**
     * Called with the run's result once it is known, before it is stored and published (so also when another actor,
     * a cancellation, ended the job first and the store keeps that end). Must not throw.
     */
    default void ended(JobResult result) {
    }

    /**
     * Whether a platform failure of the run puts it back in QUEUED to be tried again ({@code true}, jobs), or ends it
     * ERROR at once ({@code false}, session runs).
     */
    default boolean retriesPlatformFailures() {
        return true;
    }
}
