package dev.kiff.core.exec;

import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;

/**
 * Hears what happens to the jobs a worker runs, for the operator's figures (counters and histograms). Implementations
 * must be quick and must not throw: they are called on the run's own thread, after the fact. Every method does
 * nothing by default, so that a listener picks what it counts; {@link #NONE} counts nothing.
 */
public interface RunMetrics {

    /** Counts nothing: for tests and tools that run jobs without an operator watching. */
    RunMetrics NONE = new RunMetrics() {
    };

    /** The job ended with {@code result}, stored by this worker (its timings and usage are the run's). */
    default void ended(JobResult result) {
    }

    /**
     * The job's code was handed to a sandbox {@code toCode} after its run started: the time to take a warm sandbox
     * (or start one when none was warm), stage its inputs and open its gateway. Told for every run that got there.
     */
    default void handedOver(Job job, java.time.Duration toCode) {
    }

    /** The job's attempt ended {@code status} and the job asked to be run again (its retry policy). */
    default void retried(Job job, JobStatus status) {
    }

    /** The platform failed under the job's run; it is back in QUEUED and the delivery will be tried again. */
    default void platformFailed(Job job) {
    }

    /** The job was delivered again after it had ended, or after the worker running it had abandoned it. */
    default void redelivered(Job job, Redelivery kind) {
    }

    /** The job was dead-lettered, for a reason of {@code kind} (the free-text reason is in the record and the log). */
    default void deadLettered(Job job, DeadLetterReason kind) {
    }

    /**
     * A record was put on the dead-letter topic before it became a job or a session's command: it came from
     * {@code source} and was {@code refusal}. Nothing of it was stored or run.
     */
    default void recordDeadLettered(RecordSource source, RecordRefusal refusal) {
    }

    /** Where a dead-lettered record came from. */
    enum RecordSource {
        /** A job topic. */
        JOBS,
        /** A session-open topic, or a worker's session-run topic. */
        SESSIONS;

        /** The label value. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Why a record was dead-lettered before it became anything. */
    enum RecordRefusal {
        /** Not proven: unsigned, signed with the wrong key, or claiming a tenant its signer is not. */
        REFUSED,
        /** Proven, but not a valid job or command (malformed, or out of the contract's bounds). */
        INVALID;

        /** The label value. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What a redelivered job was found to be. */
    enum Redelivery {
        /** It had ended: its result is published again, the code is not run again. */
        ENDED,
        /** Its run had been abandoned (its worker died or restarted): it is run again. */
        ABANDONED;

        /** The label value. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
