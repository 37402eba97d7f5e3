package dev.kiff.core.session;

import dev.kiff.core.pool.Sandbox;
import dev.kiff.core.pool.WarmPool;
import dev.kiff.core.sandbox.SessionSpec;
import dev.kiff.model.session.SessionOpen;
import dev.kiff.model.session.SessionState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a session this worker was asked to (an open record, taken only while a sandbox of its type is idle): claims
 * it in the store (one worker wins), takes the claimed sandbox out of the pool for good, starts the session's kernel
 * in it, and makes the session READY. A failure leaves the session CREATING to be tried again on redelivery; after the
 * last try it ends LOST ("could not create: ..."), never half open.
 */
public final class SessionOpener {

    private static final Logger log = LoggerFactory.getLogger(SessionOpener.class);

    /**
     * How long past its maximum lifetime a session's sandbox ends itself, worker or no worker: the keeper expires it
     * first, so this only bounds a sandbox its worker lost track of.
     */
    static final Duration DEADLINE_MARGIN = Duration.ofMinutes(1);

    /** What became of an open. */
    public enum Opened {
        /** READY, held here. */
        READY,
        /** Not for this worker (another claimed it, or it ended), or ended for good: the record is done. */
        DROPPED,
        /** Failed this time; to be tried again after a back-off. */
        AGAIN
    }

    private final SessionStore store;
    private final SessionRegistry registry;
    private final SessionKeeper keeper;
    private final WarmPool pool;
    private final Clock clock;
    private final String workerId;
    private final String runTopic;
    private final Duration lease;
    private final Duration interruptGrace;
    private final int maxAttempts;

    /**
     * @param runTopic       where this worker reads its sessions' commands: stored with the claim for the API
     * @param lease          a claim older than this is stale: another worker may take the open over
     * @param interruptGrace how long an exec past its time limit has to obey its interrupt
     * @param maxAttempts    tries of one open before the session ends LOST
     */
    public SessionOpener(SessionStore store, SessionRegistry registry, SessionKeeper keeper, WarmPool pool,
            Clock clock, String workerId, String runTopic, Duration lease, Duration interruptGrace,
            int maxAttempts) {
        this.store = store;
        this.registry = registry;
        this.keeper = keeper;
        this.pool = pool;
        this.clock = clock;
        this.workerId = workerId;
        this.runTopic = runTopic;
        this.lease = lease;
        this.interruptGrace = interruptGrace;
        this.maxAttempts = maxAttempts;
    }

    /**
     * One try at opening the session in the sandbox {@code reservation} claimed. The caller closes the reservation
     * afterwards (a no-op once its sandbox was taken).
     *
     * @param attempt 1 for the first try of this record
     */
    public Opened open(SessionOpen open, WarmPool.Reservation reservation, int attempt) {
        Instant now = clock.instant();
        boolean claimed = store.claim(open.sessionId(), workerId, runTopic, now, now.minus(lease))
                || attempt > 1 && store.find(open.sessionId()).filter(s -> s.state() == SessionState.CREATING
                        && workerId.equals(s.workerId())).isPresent(); // our own claim of an earlier try
        if (!claimed) {
            log.debug("Session(id={}) not opened here: another worker claimed it, or it is no longer CREATING",
                    open.sessionId());
            return Opened.DROPPED;
        }
        Sandbox sandbox;
        try {
            sandbox = reservation.takeForSession(open.tenant(), open.limits());
        } catch (RuntimeException e) {
            return failed(open, attempt, e);
        }
        try {
            sandbox.openSession(new SessionSpec(open.sessionId().toString(), open.limits(), open.env(),
                    open.files(), now.plusMillis(open.maxLifetimeMs()).plus(DEADLINE_MARGIN), interruptGrace));
        } catch (RuntimeException e) {
            pool.closeSession(sandbox);
            return failed(open, attempt, e);
        }
        Instant ready = clock.instant();
        SessionHandle handle = new SessionHandle(open.sessionId(), open.tenant(), open.vmType(), sandbox,
                open.requestedAt() == null ? now : open.requestedAt(), ready,
                Duration.ofMillis(open.idleTimeoutMs()), Duration.ofMillis(open.maxLifetimeMs()));
        registry.add(handle);
        boolean moved;
        try {
            moved = store.ready(open.sessionId(), workerId, ready);
        } catch (RuntimeException e) {
            registry.release(handle, "the session could not be made READY: " + e.getMessage());
            return failed(open, attempt, e);
        }
        if (!moved) {
            // Deleted or expired while its sandbox opened.
            registry.release(handle, "the session ended while it opened");
            log.info("Session(id={}) ended while it opened; its sandbox is removed", open.sessionId());
            return Opened.DROPPED;
        }
        keeper.announce(open.sessionId(), open.tenant(), SessionState.READY, null, ready, null);
        log.info("Session(id={}) of tenant {} READY in sandbox {} ({} ms after the request)", open.sessionId(),
                open.tenant(), sandbox.id(), open.requestedAt() == null ? -1
                        : Duration.between(open.requestedAt(), ready).toMillis());
        return Opened.READY;
    }

    private Opened failed(SessionOpen open, int attempt, RuntimeException e) {
        String reason = e.getMessage() != null ? e.getMessage() : e.toString();
        if (attempt < maxAttempts) {
            log.warn("Session(id={}) could not be opened (try {} of {}), trying again: {}", open.sessionId(), attempt,
                    maxAttempts, reason);
            return Opened.AGAIN;
        }
        Instant now = clock.instant();
        String why = "could not create: " + reason;
        store.end(open.sessionId(), null, EnumSet.of(SessionState.CREATING), SessionState.LOST, why, now)
                .ifPresent(lost -> keeper.announce(lost, now, null));
        log.error("Session(id={}) LOST after {} tries: {}", open.sessionId(), attempt, why);
        return Opened.DROPPED;
    }
}
