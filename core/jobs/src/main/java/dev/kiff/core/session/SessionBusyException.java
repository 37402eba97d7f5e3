package dev.kiff.core.session;

import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.session.SessionState;
import java.time.Duration;
import java.util.UUID;

/**
 * The session cannot take a run now: it is BUSY with another run, or still CREATING. It may later; the answer says
 * when to try again.
 */
public class SessionBusyException extends TransientFailure {

    private final SessionState state;
    private final UUID currentRun;
    private final Duration retryAfter;

    public SessionBusyException(UUID id, SessionState state, UUID currentRun, Duration retryAfter) {
        super(state == SessionState.CREATING
                ? "session " + id + " is not ready yet"
                : "session " + id + " is busy with run " + currentRun + "; one run at a time");
        this.state = state;
        this.currentRun = currentRun;
        this.retryAfter = retryAfter;
    }

    /** CREATING (not ready yet) or BUSY. */
    public SessionState state() {
        return state;
    }

    /** The run it is busy with; null while CREATING. */
    public UUID currentRun() {
        return currentRun;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
