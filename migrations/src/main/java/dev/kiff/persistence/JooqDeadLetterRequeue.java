package dev.kiff.persistence;

import static dev.kiff.persistence.jooq.Tables.BATCHES;
import static dev.kiff.persistence.jooq.Tables.JOBS;

import dev.kiff.core.console.DeadLetterRequeue;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.RetryPolicy;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record1;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link DeadLetterRequeue} as one conditional update: the row changes only while it is still ERROR and
 * dead-lettered (and the caller's, for a tenant), so two operators pressing "requeue" at once queue the job once.
 * The move is {@link JobStatus#requeue()}, checked against the transition table as every other update is.
 *
 * <p>The job starts a new life: it goes back to the backlog (no {@code published_at}, no claim) and the API's
 * dispatcher publishes it on its next tick within the tenant's window, as a held job; its submission time is the
 * requeue's (its wait, the oldest-queued-job age and its place in the tenant's backlog count from now, not from a
 * submission hours ago); the attempts it used stay recorded and it gets its own {@code retry.maxAttempts} again on
 * top of them (from its spec, so requeueing it twice does not double its budget); its result number is cleared, so
 * its next end is a new result in the tenant's stream. A completed batch it belongs to is open again, so that its
 * completion is counted, and announced, once this job ends too.
 */
public final class JooqDeadLetterRequeue implements DeadLetterRequeue {

    private static final Logger log = LoggerFactory.getLogger(JooqDeadLetterRequeue.class);

    /** The runs the job's own retry policy allows, as submitted: its spec's {@code retry.maxAttempts}. */
    private static final Field<Integer> OWN_ATTEMPTS = DSL.field("coalesce(({0}->'retry'->>'maxAttempts')::int, {1})",
            Integer.class, JOBS.SPEC, DSL.inline(RetryPolicy.DEFAULT_ATTEMPTS));

    private final DSLContext db;

    public JooqDeadLetterRequeue(DSLContext db) {
        this.db = db;
    }

    @Override
    public boolean requeue(UUID id, String tenant, Instant at) {
        JobStatus to = JobStatus.ERROR.requeue();
        Condition deadLetter = JOBS.ID.eq(id).and(JOBS.STATUS.eq(JobStatus.ERROR))
                .and(JOBS.DEAD_LETTERED_AT.isNotNull())
                // A session's run runs only in its session (whose state it needs); the backlog would publish it as a
                // job of its own, so a dead-lettered run stays where it is.
                .and(JOBS.SESSION_ID.isNull())
                .and(tenant == null ? DSL.noCondition() : JOBS.TENANT.eq(tenant));
        boolean requeued = db.transactionResult(tx -> {
            Optional<Record1<UUID>> row = tx.dsl().update(JOBS)
                    .set(JOBS.STATUS, to)
                    .set(JOBS.MAX_ATTEMPTS, JOBS.ATTEMPTS.plus(OWN_ATTEMPTS))
                    .set(JOBS.SUBMITTED_AT, at)
                    .setNull(JOBS.DEAD_LETTERED_AT)
                    .setNull(JOBS.MESSAGE)
                    .setNull(JOBS.FINISHED_AT)
                    .setNull(JOBS.WORKER_ID)
                    .setNull(JOBS.STARTED_AT)
                    .setNull(JOBS.HEARTBEAT_AT)
                    // Its new result gets a new place in the tenant's result stream when it ends.
                    .setNull(JOBS.RESULT_SEQ)
                    .setNull(JOBS.PUBLISHED_AT)
                    .setNull(JOBS.PUBLISH_CLAIM_EXPIRES_AT)
                    .set(JOBS.UPDATED_AT, at)
                    .where(deadLetter)
                    .returningResult(JOBS.BATCH_ID)
                    .fetchOptional();
            // Its batch (if any) is unfinished again: ResultFollower counts it complete once this job ends too.
            row.map(Record1::value1).ifPresent(batchId -> tx.dsl().update(BATCHES).setNull(BATCHES.COMPLETED_AT)
                    .where(BATCHES.ID.eq(batchId)).execute());
            return row.isPresent();
        });
        if (requeued) {
            log.info("Job(id={}) requeued from the dead letters", id);
        } else {
            log.debug("Job(id={}) is not a dead letter (of this tenant); requeue skipped", id);
        }
        return requeued;
    }
}
