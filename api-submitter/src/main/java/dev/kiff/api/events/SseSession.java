package dev.kiff.api.events;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One open SSE stream, fed from any thread: work is queued and run one piece at a time on a shared pool, so events
 * go out in order and a slow client holds no listener thread. Once the client is gone, nothing more runs.
 */
final class SseSession {

    private static final Logger log = LoggerFactory.getLogger(SseSession.class);

    private final SseEmitter emitter;
    private final Executor pool;
    private final Queue<Runnable> work = new ArrayDeque<>();
    private boolean draining;
    private volatile boolean closed;
    private Runnable onClose = () -> { };

    SseSession(SseEmitter emitter, Executor pool) {
        this.emitter = emitter;
        this.pool = pool;
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

    /** Runs {@code step} after every step queued before it, on the pool. */
    void then(Runnable step) {
        synchronized (work) {
            if (closed) {
                return;
            }
            work.add(step);
            if (draining) {
                return;
            }
            draining = true;
        }
        pool.execute(this::drain);
    }

    private void drain() {
        while (true) {
            Runnable step;
            synchronized (work) {
                step = work.poll();
                if (step == null || closed) {
                    draining = false;
                    return;
                }
            }
            try {
                step.run();
            } catch (RuntimeException e) {
                log.warn("event stream failed, closing it: {}", e.toString());
                fail(e);
            }
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
        then(() -> {
            try {
                emitter.send(SseEmitter.event().comment(text));
            } catch (IOException | IllegalStateException e) {
                closed();
            }
        });
    }

    /** Ends the stream after what is queued. */
    void complete() {
        then(() -> {
            closed();
            emitter.complete();
        });
    }

    void fail(Throwable e) {
        closed();
        emitter.completeWithError(e);
    }

    private void closed() {
        if (!closed) {
            closed = true;
            onClose.run();
        }
    }
}
