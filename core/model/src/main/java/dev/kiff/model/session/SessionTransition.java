package dev.kiff.model.session;

import java.time.Instant;
import java.util.UUID;

/**
 * One move of a session as {@code session_transitions} records it.
 *
 * @param seq   1 for CREATING, then one more per move: the SSE event id of the session's event stream
 * @param runId the run that caused it, if any
 */
public record SessionTransition(int seq, SessionState state, Instant at, String reason, UUID runId) {
}
