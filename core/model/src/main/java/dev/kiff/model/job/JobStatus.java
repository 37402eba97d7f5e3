package dev.kiff.model.job;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The life of a job. {@link #TRANSITIONS} is the one table of legal moves; every state change in the platform goes
 * through the named methods below (and the database repeats the same check as a conditional update).
 *
 * <pre>
 * QUEUED ──start──▶ RUNNING ──complete──▶ SUCCEEDED | FAILED | TIMED_OUT | OOM_KILLED | ERROR
 *   │                  │ ╰──retry──▶ QUEUED (a worker died mid-run; the job is delivered again)
 *   ├──reject──▶ REJECTED (never accepted: invalid, or the broker did not take it) ──resubmit──▶ QUEUED
 *   ├──fail────▶ ERROR    (the platform gave up before running it) ──requeue──▶ QUEUED (a dead letter only)
 *   ╰──cancel──▶ CANCELLED ◀──cancel── RUNNING
 * </pre>
 *
 * <p>{@code resubmit} is the one way out of REJECTED: a client that got 503 because the broker was away repeats its
 * request under the same {@code Idempotency-Key}, and the job it names is queued after all.
 *
 * <p>{@code requeue} is the one way out of ERROR, and only for a dead letter (a job the platform gave up on; the
 * table cannot tell, the database's conditional update adds {@code dead_lettered_at IS NOT NULL}): the operator's
 * override, once whatever failed the platform is fixed. It starts a new life of the job, which ends with a result of
 * its own; an ERROR a run ended in is the job's result and stays.
 */
public enum JobStatus {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    TIMED_OUT,
    OOM_KILLED,
    CANCELLED,
    ERROR,
    REJECTED;

    private static final Map<JobStatus, Set<JobStatus>> TRANSITIONS = new EnumMap<>(JobStatus.class);

    static {
        TRANSITIONS.put(QUEUED, EnumSet.of(RUNNING, CANCELLED, REJECTED, ERROR));
        TRANSITIONS.put(RUNNING, EnumSet.of(SUCCEEDED, FAILED, TIMED_OUT, OOM_KILLED, CANCELLED, ERROR, QUEUED));
        for (JobStatus ended : EnumSet.of(SUCCEEDED, FAILED, TIMED_OUT, OOM_KILLED, CANCELLED, ERROR)) {
            TRANSITIONS.put(ended, EnumSet.noneOf(JobStatus.class));
        }
        TRANSITIONS.put(REJECTED, EnumSet.of(QUEUED));
        TRANSITIONS.put(ERROR, EnumSet.of(QUEUED));
    }

    private static final Set<JobStatus> TERMINAL =
            EnumSet.of(SUCCEEDED, FAILED, TIMED_OUT, OOM_KILLED, CANCELLED, ERROR, REJECTED);

    /** Statuses a {@code RUNNING} job may end in after its sandbox ran. */
    private static final Set<JobStatus> RUN_OUTCOMES = EnumSet.of(SUCCEEDED, FAILED, TIMED_OUT, OOM_KILLED, ERROR);

    /**
     * The job has its result: nothing will run it any more (a REJECTED job runs only once resubmitted, a
     * dead-lettered ERROR job only once an operator requeues it, as a new life with a result of its own).
     */
    public boolean isTerminal() {
        return TERMINAL.contains(this);
    }

    public boolean canMoveTo(JobStatus to) {
        return TRANSITIONS.get(this).contains(to);
    }

    /** A worker takes the job and starts its sandbox. */
    public JobStatus start() {
        return moveTo(RUNNING);
    }

    /** The sandbox finished; {@code outcome} is what it ended in. */
    public JobStatus complete(JobStatus outcome) {
        if (this != RUNNING || !RUN_OUTCOMES.contains(outcome)) {
            throw new IllegalTransitionException(this, outcome);
        }
        return moveTo(outcome);
    }

    /** The worker running the job went away; the job waits to be run again. */
    public JobStatus retry() {
        if (this != RUNNING) {
            throw new IllegalTransitionException(this, QUEUED);
        }
        return moveTo(QUEUED);
    }

    public JobStatus cancel() {
        return moveTo(CANCELLED);
    }

    /** The job was never accepted: it is invalid, or the broker would not take it. */
    public JobStatus reject() {
        return moveTo(REJECTED);
    }

    /** A job the broker refused is submitted again under its idempotency key. */
    public JobStatus resubmit() {
        if (this != REJECTED) {
            throw new IllegalTransitionException(this, QUEUED);
        }
        return moveTo(QUEUED);
    }

    /**
     * An operator sends a dead-lettered job back to the queue: the platform's override for dead letters only (the
     * caller checks that the ERROR job was dead-lettered). The job gets a new set of attempts and a new result.
     */
    public JobStatus requeue() {
        if (this != ERROR) {
            throw new IllegalTransitionException(this, QUEUED);
        }
        return moveTo(QUEUED);
    }

    /** The platform gave up on the job. */
    public JobStatus fail() {
        return moveTo(ERROR);
    }

    private JobStatus moveTo(JobStatus to) {
        if (!canMoveTo(to)) {
            throw new IllegalTransitionException(this, to);
        }
        return to;
    }
}
