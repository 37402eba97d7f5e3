package dev.kiff.client;

import dev.kiff.model.job.JobResult;

/**
 * A file operation of a session reached its sandbox and failed there (no such file, not a regular file, too large),
 * or did not end in time. {@link #result()} is the operation's run, whose {@code message} and {@code stderr} say why.
 */
public class KiffSessionOperationException extends KiffException {

    private final transient JobResult result;

    public KiffSessionOperationException(String message, JobResult result) {
        super(message, null);
        this.result = result;
    }

    /** The run that carried the operation. */
    public JobResult result() {
        return result;
    }
}
