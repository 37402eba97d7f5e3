package dev.kiff.model.failure;

/**
 * Root of the failures that no retry can fix: the input is invalid, a state change is illegal. Callers reject or
 * dead-letter the job with this message and move on.
 */
public class PermanentFailure extends RuntimeException {

    public PermanentFailure(String message) {
        super(message);
    }

    public PermanentFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
