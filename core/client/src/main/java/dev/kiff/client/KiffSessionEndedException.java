package dev.kiff.client;

/**
 * The session ended for good (410 {@code session-ended}): it {@code EXPIRED}, was {@code DELETED} or was {@code LOST}
 * with its worker. Its state is gone; a new session starts from nothing.
 */
public class KiffSessionEndedException extends KiffException {

    public KiffSessionEndedException(Problem problem) {
        super(problem);
    }

    /** {@code EXPIRED}, {@code DELETED} or {@code LOST}. */
    public String sessionState() {
        return property("sessionState");
    }

    /** Why it ended, e.g. the idle timeout or the worker that stopped renewing its lease; may be null. */
    public String reason() {
        return property("reason");
    }
}
