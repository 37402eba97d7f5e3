package dev.kiff.core.session;

import dev.kiff.model.failure.PermanentFailure;
import dev.kiff.model.session.SessionState;
import java.util.UUID;

/** The session ended (EXPIRED, DELETED or LOST): nothing runs in it any more, and nothing reopens it. */
public class SessionEndedException extends PermanentFailure {

    private final SessionState state;
    private final String reason;

    public SessionEndedException(UUID id, SessionState state, String reason) {
        super("session " + id + " ended " + state + (reason == null ? "" : ": " + reason));
        this.state = state;
        this.reason = reason;
    }

    public SessionState state() {
        return state;
    }

    public String reason() {
        return reason;
    }
}
