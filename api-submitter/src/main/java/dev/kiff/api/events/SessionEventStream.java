package dev.kiff.api.events;

import dev.kiff.core.session.SessionHistory;
import dev.kiff.core.session.SessionService;
import dev.kiff.model.job.InvalidJobException;
import dev.kiff.model.session.SessionEvent;
import dev.kiff.model.session.SessionTransition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /v1/sessions/{id}/events}: every move of one session as Server-Sent Events (event {@code transition},
 * id = the move's {@code seq} in {@code session_transitions}), the stored ones first, then live ones as they happen;
 * the stream ends after the session's last move (EXPIRED, DELETED or LOST). {@code Last-Event-ID} resumes after that
 * move. A move heard on {@code kiff.session-events} is only a nudge: the stream listens first, then reads the store
 * after its cursor, and sends what the store holds, so order and ids come from the database and a nudge lost, late or
 * doubled changes nothing but when a move is sent.
 */
public final class SessionEventStream {

    private static final int PAGE = 500;

    private final SessionService sessions;
    private final SessionHistory history;
    private final LiveEvents live;
    private final OpenStreams streams;

    public SessionEventStream(SessionService sessions, SessionHistory history, LiveEvents live, OpenStreams streams) {
        this.sessions = sessions;
        this.history = history;
        this.live = live;
        this.streams = streams;
    }

    /**
     * @throws dev.kiff.core.session.SessionNotFoundException before anything is sent, for another tenant's session
     * @throws TooManyStreamsException when the tenant or this instance holds as many streams as it may
     */
    public SseEmitter open(UUID sessionId, String tenant, String lastEventId) {
        int from = parse(lastEventId);
        sessions.record(sessionId, tenant);
        SseSession session = streams.open(tenant);
        Stream stream = new Stream(sessionId, session, from);
        session.onClose(live.watch(sessionId, stream));
        session.then(() -> {
            // Read before the moves: an ended session's last move is then among them. Resumed after that move,
            // the stream ends here, since nothing will follow.
            boolean ended = sessions.record(sessionId, tenant).state().isTerminal();
            stream.catchUp();
            if (ended) {
                session.complete();
            }
        });
        session.connected();
        return session.emitter();
    }

    private static int parse(String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return 0;
        }
        try {
            int seq = Integer.parseInt(lastEventId.trim());
            if (seq >= 0) {
                return seq;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw InvalidJobException.of("Last-Event-ID", "'" + lastEventId + "' is not an event id of this stream"
                + " (a move's seq, like 3)");
    }

    private final class Stream implements LiveEvents.SessionWatcher {
        private final UUID sessionId;
        private final SseSession session;
        /** The seq of the last move sent. Touched only by queued steps. */
        private int sent;
        private boolean nudged;

        Stream(UUID sessionId, SseSession session, int from) {
            this.sessionId = sessionId;
            this.session = session;
            this.sent = from;
        }

        @Override
        public void moved(SessionEvent event) {
            synchronized (this) {
                if (nudged) {
                    return; // a catch-up is queued already and will read this move too
                }
                nudged = true;
            }
            session.then(() -> {
                synchronized (this) {
                    nudged = false;
                }
                catchUp();
            });
        }

        /** Sends what the store holds after the last move sent; ends the stream after a terminal move. */
        void catchUp() {
            List<SessionTransition> page;
            do {
                page = history.transitionsAfter(sessionId, sent, PAGE);
                for (SessionTransition move : page) {
                    sent = move.seq();
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("sessionId", sessionId);
                    data.put("seq", move.seq());
                    data.put("state", move.state());
                    data.put("at", move.at());
                    data.put("reason", move.reason());
                    data.put("runId", move.runId());
                    session.send("transition", String.valueOf(move.seq()), data);
                    if (move.state().isTerminal()) {
                        session.complete();
                        return;
                    }
                }
            } while (page.size() == PAGE && !session.isClosed());
        }
    }
}
