package dev.kiff.persistence;

import static dev.kiff.persistence.jooq.Tables.JOBS;

import dev.kiff.core.console.DeadLetterRequeue;
import dev.kiff.model.job.JobStatus;
import java.time.Instant;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link DeadLetterRequeue} as one conditional update: the row changes only while it is still ERROR and
 * dead-lettered (and the caller's, for a tenant), so two operators pressing "requeue" at once queue the job once.
 * The job goes back to the backlog (no {@code published_at}, no claim): the API's dispatcher publishes it on its next
 * tick within the tenant's window, as a held job; the attempts it used stay recorded and it gets its
 * {@code max_attempts} again on top of them.
 */
public final class JooqDeadLetterRequeue implements DeadLetterRequeue {

    private static final Logger log = LoggerFactory.getLogger(JooqDeadLetterRequeue.class);

    private final DSLContext db;

    public JooqDeadLetterRequeue(DSLContext db) {
        this.db = db;
    }

    @Override
    public boolean requeue(UUID id, String tenant, Instant at) {
        Condition deadLetter = JOBS.ID.eq(id).and(JOBS.STATUS.eq(JobStatus.ERROR))
                .and(JOBS.DEAD_LETTERED_AT.isNotNull())
                .and(tenant == null ? DSL.noCondition() : JOBS.TENANT.eq(tenant));
        int changed = db.update(JOBS)
                .set(JOBS.STATUS, JobStatus.QUEUED)
                .set(JOBS.MAX_ATTEMPTS, JOBS.ATTEMPTS.plus(JOBS.MAX_ATTEMPTS))
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
                .execute();
        if (changed == 1) {
            log.info("Job(id={}) requeued from the dead letters", id);
        } else {
            log.debug("Job(id={}) is not a dead letter (of this tenant); requeue skipped", id);
        }
        return changed == 1;
    }
}
