package dev.kiff.core.job;

import dev.kiff.core.failure.PermanentFailure;

/** A job was asked to move between two states that the transition table does not connect. */
public class IllegalTransitionException extends PermanentFailure {

    private final JobStatus from;
    private final JobStatus to;

    public IllegalTransitionException(JobStatus from, JobStatus to) {
        super("illegal job state transition from " + from + " to " + to);
        this.from = from;
        this.to = to;
    }

    public JobStatus from() {
        return from;
    }

    public JobStatus to() {
        return to;
    }
}
