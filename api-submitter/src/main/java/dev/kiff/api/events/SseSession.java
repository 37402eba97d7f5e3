package dev.kiff.api.events;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One open SSE stream, fed from any thread: work is queued and run one piece at a time on the sending pool, so events
 * go out in order and a slow client holds no listener thread. Once the client is gone, nothing more runs.
 *
 * <p>A client that reads slowly or not at all must cost only its own stream. The queue is bounded: a stream that
 * falls {@code maxPending} steps behind is ended (with a last comment, should the client read it) rather than
 * buffering without bound; a write blocked longer than the send timeout ends the stream too ({@link #stalled}). A
 * write blocked on a client's full socket holds only the thread of this stream, never one another stream waits for:
 * the pool gives every draining stream a thread of its own. The stream's place in the limits is given back
 * ({@code onReleased}) only once no write of it is in progress, so blocked writes stay bounded by the limits.
 */
final class SseSession {

    private static final Logger log = LoggerFactory.getLogger(SseSession.class);

    private final SseEmitter emitter;
    private final Executor pool;
    private final String tenant;
    private final int maxPending;
    private final Queue<Runnable> work = new ArrayDeque<>();
    private boolean draining;
    /** When the step running now started, in {@link System#nanoTime()}; 0 when none runs. */
    private volatile long stepSince;
    private volatile boolean closed;
    /** An ending is queued: nothing more is taken. */
    private boolean ending;
    private final AtomicBoolean released = new AtomicBoolean();
    private Runnable onClose = () -> { };
    private final Runnable onReleased;

    /**
     * @param maxPending the most steps queued behind the one running before the stream is ended as too slow
     * @param onReleased run once, when the stream is closed and no step of it runs any more
     */
    SseSession(SseEmitter emitter, Executor pool, String tenant, int maxPending, Runnable onReleased) {
        this.emitter = emitter;
        this.pool = pool;
        this.tenant = tenant;
        this.maxPending = maxPending;
        this.onReleased = onReleased;
        emitter.onCompletion(this::closed);
        emitter.onTimeout(this::closed);
        emitter.onError(e -> closed());
    }

    /** Runs {@code action} (once) when the stream ends, whoever ends it. */
    void onClose(Runnable action) {
        Runnable before = this.onClose;
        this.onClose = () -> {
            before.run();
            action.run();
        };
    }

    SseEmitter emitter() {
        return emitter;
    }

    boolean isClosed() {
        return closed;
    }

    String tenant() {
        return tenant;
    }

    /** Runs {@code step} after every step queued before it, on the pool. */
    void then(Runnable step) {
        boolean overflow = false;
        synchronized (work) {
            if (closed || ending) {
                return;
            }
            if (work.size() >= maxPending) {
                // The client does not keep up: drop what waits, say why (it may yet read that), and end the stream.
                overflow = true;
                ending = true;
                work.clear();
                work.add(() -> sendComment("closed: this client reads too slowly; reconnect with Last-Event-ID"));
                work.add(this::end);
            } else {
                work.add(step);
            }
            if (draining) {
                step = null;
            } else {
                draining = true;
            }
        }
        if (overflow) {
            log.warn("Tenant(id={}) event stream ending: its client fell {} events behind", tenant, maxPending);
        }
        if (step == null) {
            return;
        }
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            log.warn("Tenant(id={}) event stream closed: no thread to send its events", tenant);
            synchronized (work) {
                draining = false;
                work.clear();
            }
            closed();
            release();
        }
    }

    private void drain() {
        while (true) {
            Runnable step;
            synchronized (work) {
                step = work.poll();
                if (step == null || closed) {
                    draining = false;
                    work.clear();
                    break;
                }
            }
            stepSince = System.nanoTime();
            try {
                step.run();
            } catch (RuntimeException e) {
                log.warn("Tenant(id={}) event stream failed, closing it: {}", tenant, e.toString());
                fail(e);
            } finally {
                stepSince = 0;
            }
        }
        if (closed) {
            release();
        }
    }

    /**
     * Ends the stream if its running step (a write, in practice) has been blocked longer than {@code timeout}: its
     * client stopped reading. Nothing more is queued or sent; the blocked write itself ends when the server's write
     * timeout gives up on the socket, and only then is the stream's place in the limits given back.
     *
     * @return whether it was ended now
     */
    boolean stalled(long nowNanos, long timeoutNanos) {
        long since = stepSince;
        if (closed || since == 0 || nowNanos - since < timeoutNanos) {
            return false;
        }
        log.warn("Tenant(id={}) event stream closed: a write to its client was blocked for {} ms", tenant,
                (nowNanos - since) / 1_000_000);
        synchronized (work) {
            work.clear();
        }
        closed();
        return true;
    }

    private void release() {
        if (released.compareAndSet(false, true)) {
            onReleased.run();
        }
    }

    /** Sends one event; the caller is a queued step. */
    void send(String event, String id, Object data) {
        if (closed) {
            return;
        }
        try {
            SseEmitter.SseEventBuilder builder = SseEmitter.event().name(event).data(data, MediaType.APPLICATION_JSON);
            if (id != null) {
                builder.id(id);
            }
            emitter.send(builder);
        } catch (IOException | IllegalStateException e) {
            log.debug("event stream client went away: {}", e.toString());
            closed();
        }
    }

    /**
     * Answers the request once the steps queued so far ran: the status and headers go out with the first bytes
     * written, so a stream with nothing to send yet would otherwise leave its client waiting for the first
     * keep-alive, not knowing it is connected.
     */
    void connected() {
        comment("connected");
    }

    void comment(String text) {
        then(() -> sendComment(text));
    }

    private void sendComment(String text) {
        try {
            emitter.send(SseEmitter.event().comment(text));
        } catch (IOException | IllegalStateException e) {
            closed();
        }
    }

    /** Gives the stream up before anything was sent or queued: the request is answered otherwise (a problem). */
    void abandon() {
        closed();
    }

    /** Ends the stream after what is queued. */
    void complete() {
        then(this::end);
    }

    private void end() {
        closed();
        emitter.complete();
    }

    void fail(Throwable e) {
        closed();
        emitter.completeWithError(e);
    }

    private void closed() {
        boolean idle;
        synchronized (work) {
            if (closed) {
                return;
            }
            closed = true;
            idle = !draining;
        }
        onClose.run();
        if (idle) {
            release();
        }
    }
}
