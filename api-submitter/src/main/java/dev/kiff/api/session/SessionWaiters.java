package dev.kiff.api.session;

import dev.kiff.core.session.SessionRecord;
import dev.kiff.core.session.SessionStore;
import dev.kiff.model.session.SessionEvent;
import dev.kiff.model.session.SessionState;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits, without holding a request thread, for a session to leave CREATING: READY, or ended. A move heard on
 * {@code kiff.session-events} ({@link #moved}) wakes the wait, which then reads the store: the store is what every API
 * instance and every worker write, so the answer is the truth whichever instance published the move, and after an API
 * restart. The wait listens first, then reads, so a move made between the two is not missed. Publishing a move is best
 * effort, so a slow re-read ({@code backstop}) covers a move whose event was lost; the wait's end reads once more.
 */
public final class SessionWaiters implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SessionWaiters.class);

    private final SessionStore store;
    private final ScheduledExecutorService scheduler;
    private final Duration backstop;
    private final Map<UUID, Set<Runnable>> waiting = new ConcurrentHashMap<>();

    /**
     * @param scheduler reads the store off the listener's thread; this closes it
     * @param backstop  how often a wait reads the store without having heard a move
     */
    public SessionWaiters(SessionStore store, ScheduledExecutorService scheduler, Duration backstop) {
        this.store = store;
        this.scheduler = scheduler;
        this.backstop = backstop;
    }

    /** Stops the reads; waits under way end as they are. */
    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    /** The session once it is no longer CREATING, or as it is when {@code atMost} ran out. */
    public CompletableFuture<SessionRecord> created(UUID id, Duration atMost) {
        CompletableFuture<SessionRecord> answer = new CompletableFuture<>();
        Runnable read = () -> read(id, answer, false);
        Runnable wake = () -> {
            try {
                scheduler.execute(read);
            } catch (RejectedExecutionException closing) {
                answer.cancel(false);
            }
        };
        waiting.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(wake);
        ScheduledFuture<?> slow = scheduler.scheduleWithFixedDelay(read, 0, backstop.toMillis(),
                TimeUnit.MILLISECONDS);
        ScheduledFuture<?> end = scheduler.schedule(() -> read(id, answer, true), atMost.toMillis(),
                TimeUnit.MILLISECONDS);
        answer.whenComplete((session, failure) -> {
            slow.cancel(false);
            end.cancel(false);
            waiting.computeIfPresent(id, (k, set) -> {
                set.remove(wake);
                return set.isEmpty() ? null : set;
            });
        });
        return answer;
    }

    /** A session moved somewhere: its waits read the store. */
    public void moved(SessionEvent event) {
        if (event.state() == SessionState.CREATING) {
            return;
        }
        waiting.getOrDefault(event.sessionId(), Set.of()).forEach(Runnable::run);
    }

    /** How many waits are under way for the session. */
    int waiting(UUID id) {
        return waiting.getOrDefault(id, Set.of()).size();
    }

    private void read(UUID id, CompletableFuture<SessionRecord> answer, boolean last) {
        if (answer.isDone()) {
            return;
        }
        try {
            SessionRecord session = store.find(id).orElseThrow();
            if (last || session.state() != SessionState.CREATING) {
                answer.complete(session);
            }
        } catch (RuntimeException e) {
            log.warn("Session(id={}) could not be read while waiting for it: {}", id, e.toString());
            answer.completeExceptionally(e);
        }
    }
}
