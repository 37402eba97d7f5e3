package dev.kiff.model.session;

import java.time.Instant;
import java.util.UUID;

/**
 * A session moved: published on {@code kiff.session-events} (keyed by session id, platform-signed) by whoever won the
 * conditional update, the API or the worker. The database's {@code session_transitions} holds the same moves with
 * their {@code seq}.
 *
 * @param reason   why, for every state but READY, BUSY and IDLE; may be null
 * @param workerId the worker holding the session, once claimed
 * @param runId    the run that made it BUSY, or whose end made it IDLE (or LOST); null otherwise
 */
public record SessionEvent(
        int v,
        UUID sessionId,
        String tenant,
        SessionState state,
        String reason,
        Instant at,
        String workerId,
        UUID runId) {

    public static final int VERSION = 1;
}
