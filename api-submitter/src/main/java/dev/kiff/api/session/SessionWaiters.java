package dev.kiff.api.session;

import dev.kiff.core.session.SessionRecord;
import dev.kiff.core.session.SessionStore;
import dev.kiff.model.session.SessionState;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits, without holding a request thread, for a session to leave CREATING: READY, or ended. It reads the store every
 * {@code every}: the store is what every API instance and every worker write, so the answer holds whichever instance
 * the worker's READY came through, and after an API restart.
 *
 * <p>Interim: the design feeds these waits from {@code kiff.session-events} (an instance-wide tail, as
 * {@code ResultWaiters} are fed from {@code kiff.results}); the store stays the source of truth either way.
 */
public final class SessionWaiters implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SessionWaiters.class);

    private final SessionStore store;
    private final ScheduledExecutorService scheduler;
    private final Duration every;

    /** @param scheduler polls the store; this closes it */
    public SessionWaiters(SessionStore store, ScheduledExecutorService scheduler, Duration every) {
        this.store = store;
        this.scheduler = scheduler;
        this.every = every;
    }

    /** Stops the polls; waits under way end as they are. */
    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    /** The session once it is no longer CREATING, or as it is when {@code atMost} ran out. */
    public CompletableFuture<SessionRecord> created(UUID id, Duration atMost) {
        CompletableFuture<SessionRecord> answer = new CompletableFuture<>();
        long deadline = System.nanoTime() + atMost.toNanos();
        ScheduledFuture<?> poll = scheduler.scheduleWithFixedDelay(() -> {
            try {
                SessionRecord session = store.find(id).orElseThrow();
                if (session.state() != SessionState.CREATING || System.nanoTime() - deadline >= 0) {
                    answer.complete(session);
                }
            } catch (RuntimeException e) {
                log.warn("Session(id={}) could not be read while waiting for it: {}", id, e.toString());
                answer.completeExceptionally(e);
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        answer.whenComplete((session, failure) -> poll.cancel(false));
        return answer;
    }
}
