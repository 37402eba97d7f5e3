package dev.kiff.api.events;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The SSE streams open on this instance: made here with their timeout and shared sending pool, and kept alive by
 * {@link #keepAlive()} (a comment line every few seconds, so proxies do not close a quiet stream).
 */
public final class OpenStreams {

    private final Executor pool;
    private final Duration timeout;
    private final Set<SseSession> open = ConcurrentHashMap.newKeySet();

    /**
     * @param pool    the threads that write events to clients
     * @param timeout how long a stream stays open at most; clients reconnect with {@code Last-Event-ID}
     */
    public OpenStreams(Executor pool, Duration timeout) {
        this.pool = pool;
        this.timeout = timeout;
    }

    SseSession open() {
        SseSession session = new SseSession(new SseEmitter(timeout.toMillis()), pool);
        open.add(session);
        session.onClose(() -> open.remove(session));
        return session;
    }

    public void keepAlive() {
        open.forEach(session -> session.comment("keep-alive"));
    }

    /** Ends every open stream: on shutdown, so the server need not wait for clients to hang up. */
    public void closeAll() {
        open.forEach(SseSession::complete);
    }

    public int size() {
        return open.size();
    }
}
