package dev.kiff.api.session;

import dev.kiff.api.events.LiveEvents;
import dev.kiff.model.json.JobCodec;
import dev.kiff.model.session.SessionEvent;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands every session move heard on {@code kiff.session-events} to this instance's waiting creates and session event
 * streams. It is fed by a {@link dev.kiff.spring.ControlTopicTail} of commands: every instance hears every move from
 * its start on, and only platform-signed records reach it (anyone else who can produce to the topic cannot fake a
 * move, and a move is a nudge to read the store anyway).
 */
public final class SessionEventListener implements BiConsumer<String, byte[]> {

    private static final Logger log = LoggerFactory.getLogger(SessionEventListener.class);

    private final SessionWaiters waiters;
    private final LiveEvents live;
    private final JobCodec codec;

    public SessionEventListener(SessionWaiters waiters, LiveEvents live, JobCodec codec) {
        this.waiters = waiters;
        this.live = live;
        this.codec = codec;
    }

    @Override
    public void accept(String key, byte[] value) {
        if (value == null) {
            return;
        }
        SessionEvent event = codec.readSessionEvent(value);
        if (event.sessionId() == null || event.state() == null) {
            log.warn("session event (key {}) without a session or a state, ignored", key);
            return;
        }
        log.debug("Session(id={}) moved to {}", event.sessionId(), event.state());
        waiters.moved(event);
        live.sessionMoved(event);
    }
}
