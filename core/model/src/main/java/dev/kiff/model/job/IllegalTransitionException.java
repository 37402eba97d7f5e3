package dev.kiff.model.job;


/**
 * A job was asked to move between two states that the transition table does not connect. This is a bug in the
 * caller, not a failure of the job or of its input, hence an {@link IllegalStateException}.
 */
public class IllegalTransitionException extends IllegalStateException {

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
