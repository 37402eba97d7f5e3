package dev.kiff.persistence;

import static dev.kiff.persistence.jooq.Tables.JOBS;
import static dev.kiff.persistence.jooq.Tables.SESSIONS;
import static dev.kiff.persistence.jooq.Tables.SESSION_TRANSITIONS;
import static dev.kiff.persistence.jooq.Tables.TENANTS;

import dev.kiff.core.session.SessionRecord;
import dev.kiff.core.session.SessionStore;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.Limits;
import dev.kiff.model.job.VmType;
import dev.kiff.model.session.IllegalTransitionException;
import dev.kiff.model.session.SessionOp;
import dev.kiff.model.session.SessionState;
import dev.kiff.model.session.SessionTransition;
import dev.kiff.persistence.jooq.tables.records.SessionsRecord;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSON;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@link SessionStore} on PostgreSQL through jOOQ. Every move is a conditional {@code UPDATE ... WHERE id = ? AND
 * state IN (<the move's origins>) RETURNING *}, checked first against {@link SessionState}'s table, and its
 * {@code session_transitions} row (seq = the row's {@code transitions} counter, read from the locked row) is written in
 * the same transaction: the database decides races, the table decides legality, and every move that happened is
 * recorded exactly once.
 */
public final class JooqSessionStore implements SessionStore {

    private static final Logger log = LoggerFactory.getLogger(JooqSessionStore.class);

    /**
     * Serializes one tenant's creates, whether or not the tenant has a row in {@code tenants} (one configured outside
     * the database has none to lock): an advisory transaction lock on the tenant's name, namespaced by this constant
     * so it never meets another advisory lock of the platform.
     */
    private static final int QUOTA_LOCK_SPACE = 0x6b73;

    private static final List<String> OPEN = names(SessionState.OPEN);

    /** The session's spec column: what it was created with, names only for env and files. */
    record Spec(Limits limits, List<String> env, List<String> files) {
    }

    private static final JsonMapper SPEC_JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final DSLContext db;
    private final JooqJobRepository jobs;

    /** @param jobs writes a run's job row, in the transaction that makes the session BUSY */
    public JooqSessionStore(DSLContext db, JooqJobRepository jobs) {
        this.db = db;
        this.jobs = jobs;
    }

    @Override
    public Creation create(SessionRecord s, String requestHash, int fallbackQuota) {
        return db.transactionResult(cfg -> {
            DSLContext tx = cfg.dsl();
            tx.select(DSL.field("pg_advisory_xact_lock({0}, hashtext({1}))", Object.class,
                    DSL.val(QUOTA_LOCK_SPACE), DSL.val(s.tenant()))).fetch();
            // A create repeated with its Idempotency-Key names a session that exists: it is answered as it is, even
            // when it (or others) fill the quota now; only a session that would be new counts against the quota.
            if (tx.fetchExists(SESSIONS, SESSIONS.ID.eq(s.id()))) {
                return Creation.DUPLICATE;
            }
            Integer quota = tx.select(TENANTS.MAX_OPEN_SESSIONS).from(TENANTS).where(TENANTS.ID.eq(s.tenant()))
                    .fetchOne(TENANTS.MAX_OPEN_SESSIONS);
            int max = quota != null ? quota : fallbackQuota;
            int open = tx.fetchCount(SESSIONS, SESSIONS.TENANT.eq(s.tenant()).and(SESSIONS.STATE.in(OPEN)));
            if (open >= max) {
                return Creation.QUOTA_EXCEEDED;
            }
            int inserted = tx.insertInto(SESSIONS)
                    .set(SESSIONS.ID, s.id())
                    .set(SESSIONS.TENANT, s.tenant())
                    .set(SESSIONS.VM_TYPE, s.vmType().wireName())
                    .set(SESSIONS.STATE, SessionState.CREATING.name())
                    .set(SESSIONS.SPEC, JSON.valueOf(SPEC_JSON.writeValueAsString(
                            new Spec(s.limits(), s.envNames(), s.fileNames()))))
                    .set(SESSIONS.REQUEST_HASH, requestHash)
                    .set(SESSIONS.IDLE_TIMEOUT_MS, s.idleTimeoutMs())
                    .set(SESSIONS.MAX_LIFETIME_MS, s.maxLifetimeMs())
                    .set(SESSIONS.TRANSITIONS, 1)
                    .set(SESSIONS.CREATED_AT, s.createdAt())
                    .set(SESSIONS.UPDATED_AT, s.createdAt())
                    .onConflict(SESSIONS.ID).doNothing()
                    .execute();
            if (inserted == 0) {
                return Creation.DUPLICATE;
            }
            tx.insertInto(SESSION_TRANSITIONS)
                    .set(SESSION_TRANSITIONS.SESSION_ID, s.id())
                    .set(SESSION_TRANSITIONS.SEQ, 1)
                    .set(SESSION_TRANSITIONS.STATE, SessionState.CREATING.name())
                    .set(SESSION_TRANSITIONS.AT, s.createdAt())
                    .execute();
            return Creation.CREATED;
        });
    }

    @Override
    public Optional<SessionRecord> find(UUID id) {
        return db.selectFrom(SESSIONS).where(SESSIONS.ID.eq(id)).fetchOptional().map(JooqSessionStore::toRecord);
    }

    @Override
    public Optional<String> requestHash(UUID id) {
        return db.select(SESSIONS.REQUEST_HASH).from(SESSIONS).where(SESSIONS.ID.eq(id))
                .fetchOptional(SESSIONS.REQUEST_HASH);
    }

    @Override
    public List<SessionTransition> transitions(UUID id) {
        return db.selectFrom(SESSION_TRANSITIONS)
                .where(SESSION_TRANSITIONS.SESSION_ID.eq(id))
                .orderBy(SESSION_TRANSITIONS.SEQ)
                .fetch(t -> new SessionTransition(t.getSeq(), SessionState.valueOf(t.getState()), t.getAt(),
                        t.getReason(), t.getRunId()));
    }

    @Override
    public List<SessionRecord> list(String tenant, boolean openOnly, Instant createdBefore, int limit) {
        Condition where = SESSIONS.TENANT.eq(tenant);
        if (openOnly) {
            where = where.and(SESSIONS.STATE.in(OPEN));
        }
        if (createdBefore != null) {
            where = where.and(SESSIONS.CREATED_AT.lt(createdBefore));
        }
        return db.selectFrom(SESSIONS).where(where)
                .orderBy(SESSIONS.CREATED_AT.desc(), SESSIONS.ID)
                .limit(limit)
                .fetch(JooqSessionStore::toRecord);
    }

    @Override
    public boolean claim(UUID id, String workerId, String runTopic, Instant now, Instant staleBefore) {
        // No transition: the session stays CREATING until the sandbox is open. A claim under a stale lease takes
        // over an open that a dead worker had started.
        boolean claimed = db.update(SESSIONS)
                .set(SESSIONS.WORKER_ID, workerId)
                .set(SESSIONS.RUN_TOPIC, runTopic)
                .set(SESSIONS.CLAIMED_AT, now)
                .set(SESSIONS.HEARTBEAT_AT, now)
                .set(SESSIONS.UPDATED_AT, now)
                .where(SESSIONS.ID.eq(id))
                .and(SESSIONS.STATE.eq(SessionState.CREATING.name()))
                .and(SESSIONS.WORKER_ID.isNull().or(SESSIONS.HEARTBEAT_AT.lt(staleBefore)))
                .execute() == 1;
        if (!claimed) {
            log.debug("Session(id={}) not claimed by {}: claimed already, or no longer CREATING", id, workerId);
        }
        return claimed;
    }

    @Override
    public boolean ready(UUID id, String workerId, Instant now) {
        return move(id, null, EnumSet.of(SessionState.CREATING), SessionState.READY, null, null, now,
                Map.of(SESSIONS.READY_AT, now, SESSIONS.HEARTBEAT_AT, now),
                SESSIONS.WORKER_ID.eq(workerId)).isPresent();
    }

    @Override
    public Optional<SessionRecord> startRun(UUID id, String tenant, Job run, SessionOp op, String requestHash,
            Instant now) {
        if (op == SessionOp.CLOSE) {
            throw new IllegalArgumentException("a close is no run of its own");
        }
        return db.transactionResult(cfg -> {
            DSLContext tx = cfg.dsl();
            Optional<SessionRecord> busy = move(tx, id, tenant, SessionState.RUNNABLE, SessionState.BUSY, null,
                    run.id(), now, Map.of(SESSIONS.CURRENT_RUN, run.id(), SESSIONS.LAST_ACTIVE_AT, now,
                            SESSIONS.RUNS, SESSIONS.RUNS.plus(1)), DSL.noCondition());
            if (busy.isEmpty()) {
                return tx.selectFrom(SESSIONS).where(SESSIONS.ID.eq(id)).and(SESSIONS.TENANT.eq(tenant))
                        .fetchOptional().map(JooqSessionStore::toRecord);
            }
            // Stored as published already: the run goes straight to the worker's run topic, and the job dispatcher
            // must never put it on a job topic.
            jobs.queuedRow(tx, run, requestHash, null)
                    .set(JOBS.SESSION_ID, id)
                    .set(JOBS.SESSION_OP, op.column())
                    .execute();
            return busy;
        });
    }

    @Override
    public boolean runEnded(UUID id, UUID runId, boolean alive, String reason, Instant now) {
        SessionState to = alive ? SessionState.IDLE : SessionState.LOST;
        Map<Field<?>, Object> set = alive
                ? Map.of(SESSIONS.LAST_ACTIVE_AT, now)
                : Map.of(SESSIONS.LAST_ACTIVE_AT, now, SESSIONS.ENDED_AT, now);
        return move(id, null, EnumSet.of(SessionState.BUSY), to, alive ? null : reason, runId, now, set,
                SESSIONS.CURRENT_RUN.eq(runId)).isPresent();
    }

    @Override
    public boolean runNotSent(UUID id, UUID runId, Instant now) {
        return move(id, null, EnumSet.of(SessionState.BUSY), SessionState.IDLE, "run " + runId + " was not sent",
                runId, now, Map.of(), SESSIONS.CURRENT_RUN.eq(runId)).isPresent();
    }

    @Override
    public Optional<SessionRecord> end(UUID id, String tenant, Set<SessionState> from, SessionState to, String reason,
            Instant now) {
        if (!to.isTerminal()) {
            throw new IllegalArgumentException(to + " does not end a session");
        }
        return move(id, tenant, from, to, reason, null, now, Map.of(SESSIONS.ENDED_AT, now), DSL.noCondition());
    }

    @Override
    public int renew(String workerId, Instant now) {
        return db.update(SESSIONS)
                .set(SESSIONS.HEARTBEAT_AT, now)
                .where(SESSIONS.WORKER_ID.eq(workerId))
                .and(SESSIONS.STATE.in(OPEN))
                .execute();
    }

    @Override
    public List<SessionRecord> heldBy(String workerId) {
        return db.selectFrom(SESSIONS)
                .where(SESSIONS.WORKER_ID.eq(workerId))
                .and(SESSIONS.STATE.in(OPEN))
                .orderBy(SESSIONS.CREATED_AT)
                .fetch(JooqSessionStore::toRecord);
    }

    @Override
    public List<SessionRecord> staleLeases(Instant heartbeatBefore, int limit) {
        return db.selectFrom(SESSIONS)
                .where(SESSIONS.STATE.in(OPEN))
                .and(SESSIONS.WORKER_ID.isNotNull())
                .and(SESSIONS.HEARTBEAT_AT.lt(heartbeatBefore))
                .orderBy(SESSIONS.HEARTBEAT_AT)
                .limit(limit)
                .fetch(JooqSessionStore::toRecord);
    }

    @Override
    public List<SessionRecord> unclaimed(Instant createdBefore, int limit) {
        return db.selectFrom(SESSIONS)
                .where(SESSIONS.STATE.eq(SessionState.CREATING.name()))
                .and(SESSIONS.WORKER_ID.isNull())
                .and(SESSIONS.CREATED_AT.lt(createdBefore))
                .orderBy(SESSIONS.CREATED_AT)
                .limit(limit)
                .fetch(JooqSessionStore::toRecord);
    }

    @Override
    public Optional<SessionRecord> loseIfStale(UUID id, Instant heartbeatBefore, String reason, Instant now) {
        return move(id, null, SessionState.OPEN, SessionState.LOST, reason, null, now,
                Map.of(SESSIONS.ENDED_AT, now),
                SESSIONS.WORKER_ID.isNotNull().and(SESSIONS.HEARTBEAT_AT.lt(heartbeatBefore)));
    }

    @Override
    public Optional<SessionRecord> expireIfUnclaimed(UUID id, String reason, Instant now) {
        return move(id, null, EnumSet.of(SessionState.CREATING), SessionState.EXPIRED, reason, null, now,
                Map.of(SESSIONS.ENDED_AT, now), SESSIONS.WORKER_ID.isNull());
    }

    private Optional<SessionRecord> move(UUID id, String tenant, Set<SessionState> from, SessionState to,
            String reason, UUID runId, Instant now, Map<Field<?>, Object> set, Condition also) {
        return db.transactionResult(cfg -> move(cfg.dsl(), id, tenant, from, to, reason, runId, now, set, also));
    }

    /**
     * The one conditional move: {@code from} must all be origins of {@code to} in {@link SessionState}'s table (a
     * bug otherwise, thrown); the update wins only if the session is still in one of them (and the tenant's, and
     * {@code also} holds). The transition row is written in the caller's transaction.
     */
    private Optional<SessionRecord> move(DSLContext tx, UUID id, String tenant, Set<SessionState> from,
            SessionState to, String reason, UUID runId, Instant now, Map<Field<?>, Object> set, Condition also) {
        for (SessionState origin : from) {
            if (!origin.canMoveTo(to)) {
                throw new IllegalTransitionException(origin, to);
            }
        }
        Condition where = SESSIONS.ID.eq(id).and(SESSIONS.STATE.in(names(from))).and(also);
        if (tenant != null) {
            where = where.and(SESSIONS.TENANT.eq(tenant));
        }
        Optional<SessionsRecord> moved = tx.update(SESSIONS)
                .set(SESSIONS.STATE, to.name())
                .set(SESSIONS.REASON, reason)
                .set(SESSIONS.TRANSITIONS, SESSIONS.TRANSITIONS.plus(1))
                .set(SESSIONS.UPDATED_AT, now)
                .set(set)
                .where(where)
                .returning()
                .fetchOptional();
        if (moved.isEmpty()) {
            log.debug("Session(id={}) not moved to {}: not in {} any more", id, to, from);
            return Optional.empty();
        }
        tx.insertInto(SESSION_TRANSITIONS)
                .set(SESSION_TRANSITIONS.SESSION_ID, id)
                .set(SESSION_TRANSITIONS.SEQ, moved.get().getTransitions())
                .set(SESSION_TRANSITIONS.STATE, to.name())
                .set(SESSION_TRANSITIONS.AT, now)
                .set(SESSION_TRANSITIONS.REASON, reason)
                .set(SESSION_TRANSITIONS.RUN_ID, runId)
                .execute();
        return moved.map(JooqSessionStore::toRecord);
    }

    private static SessionRecord toRecord(SessionsRecord row) {
        Spec spec = SPEC_JSON.readValue(row.getSpec().data(), Spec.class);
        return new SessionRecord(row.getId(), row.getTenant(), VmType.fromWire(row.getVmType()),
                SessionState.valueOf(row.getState()), row.getReason(), spec.limits(), spec.env(), spec.files(),
                row.getIdleTimeoutMs(), row.getMaxLifetimeMs(), row.getWorkerId(), row.getRunTopic(),
                row.getCurrentRun(), row.getRuns(), row.getCreatedAt(), row.getClaimedAt(), row.getReadyAt(),
                row.getLastActiveAt(), row.getHeartbeatAt(), row.getEndedAt());
    }

    private static List<String> names(Set<SessionState> states) {
        return states.stream().map(Enum::name).toList();
    }
}
