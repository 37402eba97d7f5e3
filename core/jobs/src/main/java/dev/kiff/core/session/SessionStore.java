package dev.kiff.core.session;

import dev.kiff.model.job.Job;
import dev.kiff.model.session.SessionOp;
import dev.kiff.model.session.SessionState;
import dev.kiff.model.session.SessionTransition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The system of record for sessions. Every move is one conditional statement ({@code UPDATE sessions ... WHERE id = ?
 * AND state IN (...)}) that also writes its {@code session_transitions} row: a {@code false} or empty answer means
 * another actor (an API instance, the worker, the supervisor) got there first, which is normal under concurrency, not
 * an error. Callers log it at DEBUG and go on.
 */
public interface SessionStore {

    /** How {@link #create} went. */
    enum Creation {
        /** Stored as CREATING, with its first transition. */
        CREATED,
        /** The tenant holds {@code max_open_sessions} open sessions already: nothing was stored. */
        QUOTA_EXCEEDED,
        /** A session with this id exists already: nothing was stored. */
        DUPLICATE
    }

    /**
     * Stores a CREATING session unless its tenant already holds its quota of open sessions. The count and the insert
     * are serialized per tenant (a row lock on the tenant), so concurrent creates never exceed the quota.
     *
     * @param fallbackQuota the quota of a tenant the store has no row for (one configured outside the database)
     */
    Creation create(SessionRecord creating, String requestHash, int fallbackQuota);

    Optional<SessionRecord> find(UUID id);

    /** The Idempotency-Key fingerprint the session was created under, or empty (none, or no such session). */
    Optional<String> requestHash(UUID id);

    /** The session's moves, oldest first (seq 1 is CREATING). */
    List<SessionTransition> transitions(UUID id);

    /**
     * The tenant's sessions, newest first.
     *
     * @param openOnly     only CREATING, READY, BUSY and IDLE ones
     * @param createdBefore a cursor: only sessions created before this instant (null for the newest)
     */
    List<SessionRecord> list(String tenant, boolean openOnly, Instant createdBefore, int limit);

    /**
     * A worker takes a CREATING session it will open: it must be unclaimed, or claimed under a lease older than
     * {@code staleBefore} (a worker that died between claim and READY). Sets the worker, its run topic and the lease.
     * The state stays CREATING: the claim is no transition.
     */
    boolean claim(UUID id, String workerId, String runTopic, Instant now, Instant staleBefore);

    /** CREATING → READY, only by the worker that claimed it. */
    boolean ready(UUID id, String workerId, Instant now);

    /**
     * READY|IDLE → BUSY for a run of the tenant's session, and that run's QUEUED job row (with its session and op), in
     * one transaction: either both are stored or neither.
     *
     * @return the session as it is after the attempt: BUSY with {@code currentRun} = the run's id when it was
     *         accepted, otherwise as found (another state, or empty when there is no such session of this tenant)
     */
    Optional<SessionRecord> startRun(UUID id, String tenant, Job run, SessionOp op, String requestHash, Instant now);

    /**
     * BUSY → IDLE when {@code runId} is still the session's current run and its sandbox is alive; BUSY → LOST with
     * {@code reason} when it is not alive.
     */
    boolean runEnded(UUID id, UUID runId, boolean alive, String reason, Instant now);

    /**
     * BUSY → IDLE when the run {@code runId} was never sent (the broker refused it; the table has no way back to
     * READY, and IDLE takes runs as READY does). Conditional on it still being the current run.
     */
    boolean runNotSent(UUID id, UUID runId, Instant now);

    /**
     * A conditional move to {@code to} ({@link SessionState#EXPIRED}, {@link SessionState#DELETED} or
     * {@link SessionState#LOST}) from any of {@code from}, each of which must be an origin of {@code to} in
     * {@link SessionState}'s table. {@code tenant} is null when the platform moves it (the supervisor, the worker).
     *
     * @return the session after the move, or empty when it was not in {@code from} (or not the tenant's)
     */
    Optional<SessionRecord> end(UUID id, String tenant, Set<SessionState> from, SessionState to, String reason,
            Instant now);

    /**
     * Renews the worker's lease on every open session it holds.
     *
     * @return how many it holds
     */
    int renew(String workerId, Instant now);

    /**
     * The open sessions (CREATING, READY, BUSY, IDLE) claimed by {@code workerId}: what a worker restarted under the
     * same name must end, since their sandboxes died with its earlier run.
     */
    List<SessionRecord> heldBy(String workerId);

    /**
     * Open sessions (claimed) whose worker stopped renewing: heartbeat older than {@code heartbeatBefore}.
     */
    List<SessionRecord> staleLeases(Instant heartbeatBefore, int limit);

    /** CREATING sessions no worker claimed, created before {@code createdBefore}. */
    List<SessionRecord> unclaimed(Instant createdBefore, int limit);

    /**
     * Open → LOST only if its lease is still older than {@code heartbeatBefore}: a worker renewing at that moment
     * wins.
     */
    Optional<SessionRecord> loseIfStale(UUID id, Instant heartbeatBefore, String reason, Instant now);

    /** CREATING → EXPIRED only if still unclaimed: a worker claiming it at that moment wins. */
    Optional<SessionRecord> expireIfUnclaimed(UUID id, String reason, Instant now);
}
