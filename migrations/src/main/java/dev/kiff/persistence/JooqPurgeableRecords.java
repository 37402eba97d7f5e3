package dev.kiff.persistence;

import static dev.kiff.persistence.jooq.Tables.GATEWAY_CALLS;
import static dev.kiff.persistence.jooq.Tables.JOBS;
import static dev.kiff.persistence.jooq.Tables.JOB_ARTIFACTS;
import static dev.kiff.persistence.jooq.Tables.JOB_ATTEMPTS;
import static dev.kiff.persistence.jooq.Tables.JOB_LOGS;
import static dev.kiff.persistence.jooq.Tables.SESSIONS;
import static dev.kiff.persistence.jooq.Tables.SESSION_TRANSITIONS;
import static dev.kiff.persistence.jooq.Tables.WEBHOOK_ATTEMPTS;
import static dev.kiff.persistence.jooq.Tables.WEBHOOK_DELIVERIES;

import dev.kiff.model.job.JobStatus;
import dev.kiff.core.retention.PurgeableRecords;
import dev.kiff.core.webhook.WebhookDelivery;
import dev.kiff.model.session.SessionState;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The {@link PurgeableRecords} on PostgreSQL. Every batch picks its rows oldest first through an index (V9) with
 * {@code FOR UPDATE SKIP LOCKED}, so two instances purging at once take different rows and neither waits, and
 * deletes them by primary key (or {@code ctid}, for tables keyed by several columns) in the same statement or a
 * short transaction: no lock outlives one batch.
 */
public final class JooqPurgeableRecords implements PurgeableRecords {

    /** The physical row address: a direct handle on a row picked by the sub-select of the same statement. */
    private static final Field<Object> CTID = DSL.field(DSL.name("ctid"), SQLDataType.OTHER);

    private static final List<JobStatus> TERMINAL =
            Arrays.stream(JobStatus.values()).filter(JobStatus::isTerminal).toList();

    private static final List<String> ENDED = Arrays.stream(SessionState.values())
            .filter(SessionState::isTerminal).map(Enum::name).toList();

    private final DSLContext db;

    public JooqPurgeableRecords(DSLContext db) {
        this.db = db;
    }

    @Override
    public int purgeFinishedJobs(Instant finishedBefore, int limit) {
        return db.transactionResult(tx -> {
            DSLContext t = tx.dsl();
            List<UUID> ids = t.select(JOBS.ID).from(JOBS)
                    .where(JOBS.STATUS.in(TERMINAL).and(JOBS.FINISHED_AT.lt(finishedBefore)))
                    .orderBy(JOBS.FINISHED_AT)
                    .limit(limit)
                    .forUpdate().skipLocked()
                    .fetch(JOBS.ID);
            if (ids.isEmpty()) {
                return 0;
            }
            // What is the job's alone goes with it; its audit rows and webhook deliveries have periods of their own.
            t.deleteFrom(JOB_ATTEMPTS).where(JOB_ATTEMPTS.JOB_ID.in(ids)).execute();
            t.deleteFrom(JOB_LOGS).where(JOB_LOGS.JOB_ID.in(ids)).execute();
            t.deleteFrom(JOB_ARTIFACTS).where(JOB_ARTIFACTS.JOB_ID.in(ids)).execute();
            return t.deleteFrom(JOBS).where(JOBS.ID.in(ids)).execute();
        });
    }

    @Override
    public int purgeLogs(Instant before, int limit) {
        return db.deleteFrom(JOB_LOGS).where(CTID.in(DSL.select(CTID).from(JOB_LOGS)
                .where(JOB_LOGS.AT.lt(before))
                .orderBy(JOB_LOGS.AT)
                .limit(limit)
                .forUpdate().skipLocked())).execute();
    }

    @Override
    public int purgeArtifacts(Instant before, int limit) {
        return db.deleteFrom(JOB_ARTIFACTS).where(CTID.in(DSL.select(CTID).from(JOB_ARTIFACTS)
                .where(JOB_ARTIFACTS.CREATED_AT.lt(before))
                .orderBy(JOB_ARTIFACTS.CREATED_AT)
                .limit(limit)
                .forUpdate().skipLocked())).execute();
    }

    @Override
    public int purgeAuditRows(Instant before, int limit) {
        return db.deleteFrom(GATEWAY_CALLS).where(GATEWAY_CALLS.ID.in(DSL.select(GATEWAY_CALLS.ID).from(GATEWAY_CALLS)
                .where(GATEWAY_CALLS.AT.lt(before))
                .orderBy(GATEWAY_CALLS.AT)
                .limit(limit)
                .forUpdate().skipLocked())).execute();
    }

    @Override
    public int purgeWebhookDeliveries(Instant before, int limit) {
        return db.transactionResult(tx -> {
            DSLContext t = tx.dsl();
            List<UUID> ids = t.select(WEBHOOK_DELIVERIES.ID).from(WEBHOOK_DELIVERIES)
                    .where(WEBHOOK_DELIVERIES.STATUS.ne(WebhookDelivery.PENDING)
                            .and(WEBHOOK_DELIVERIES.CREATED_AT.lt(before)))
                    .orderBy(WEBHOOK_DELIVERIES.CREATED_AT)
                    .limit(limit)
                    .forUpdate().skipLocked()
                    .fetch(WEBHOOK_DELIVERIES.ID);
            if (ids.isEmpty()) {
                return 0;
            }
            t.deleteFrom(WEBHOOK_ATTEMPTS).where(WEBHOOK_ATTEMPTS.DELIVERY_ID.in(ids)).execute();
            return t.deleteFrom(WEBHOOK_DELIVERIES).where(WEBHOOK_DELIVERIES.ID.in(ids)).execute();
        });
    }

    @Override
    public int purgeEndedSessions(Instant endedBefore, int limit) {
        return db.transactionResult(tx -> {
            DSLContext t = tx.dsl();
            // sessions_ended_idx (V10) serves this: ended sessions by when they ended. Open ones never match.
            List<UUID> ids = t.select(SESSIONS.ID).from(SESSIONS)
                    .where(SESSIONS.STATE.in(ENDED).and(SESSIONS.ENDED_AT.lt(endedBefore)))
                    .orderBy(SESSIONS.ENDED_AT)
                    .limit(limit)
                    .forUpdate().skipLocked()
                    .fetch(SESSIONS.ID);
            if (ids.isEmpty()) {
                return 0;
            }
            t.deleteFrom(SESSION_TRANSITIONS).where(SESSION_TRANSITIONS.SESSION_ID.in(ids)).execute();
            return t.deleteFrom(SESSIONS).where(SESSIONS.ID.in(ids)).execute();
        });
    }
}
