package dev.kiff.core.session;

import dev.kiff.model.session.SessionEvent;

/**
 * Publishes a session's move on {@code kiff.session-events}, signed by the platform key. Best effort: the move is
 * already stored ({@code session_transitions}), so a failure is logged and the move stands; watchers read the store.
 */
public interface SessionEventPublisher {

    void publish(SessionEvent event);
}
