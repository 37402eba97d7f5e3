package dev.kiff.client;

import java.util.UUID;

/**
 * The session takes one run at a time (409 {@code session-busy}, {@link #currentRun()} names the one under way) or
 * is not opened yet (409 {@code session-not-ready}); try again after {@link #retryAfter()}.
 */
public class KiffSessionBusyException extends KiffException {

    public KiffSessionBusyException(Problem problem) {
        super(problem);
    }

    /** The session's state when it refused: {@code BUSY} or {@code CREATING}; null from a server that sent none. */
    public String sessionState() {
        return property("sessionState");
    }

    /** The run that keeps it busy, or null. */
    public UUID currentRun() {
        String run = property("currentRun");
        return run == null ? null : UUID.fromString(run);
    }
}
