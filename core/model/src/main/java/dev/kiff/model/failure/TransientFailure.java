package dev.kiff.model.failure;

/**
 * Root of the failures that may go away on their own: the broker or database is unreachable, the Docker engine
 * answered with an error, a sandbox broke. Callers retry these (with back-off) or answer 503; they never blame the
 * job's author.
 */
public class TransientFailure extends RuntimeException {

    public TransientFailure(String message) {
        super(message);
    }

    public TransientFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
