package dev.kiff.persistence;

import static dev.kiff.persistence.jooq.Tables.JOBS;
import static dev.kiff.persistence.jooq.Tables.SESSION_TRANSITIONS;

import dev.kiff.core.port.JobRecord;
import dev.kiff.core.session.SessionHistory;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.session.SessionState;
import dev.kiff.model.session.SessionTransition;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;

/**
 * The {@link SessionHistory} on PostgreSQL: transitions by their primary key (session, seq), runs through
 * {@code jobs_session_idx} (session, submitted_at), so a page reads only its own rows however long the session lived.
 */
public final class JooqSessionHistory implements SessionHistory {

    private final DSLContext db;
    private final JooqJobRepository jobs;

    /** @param jobs reads a run's row as every job's is read (result, display, session) */
    public JooqSessionHistory(DSLContext db, JooqJobRepository jobs) {
        this.db = db;
        this.jobs = jobs;
    }

    @Override
    public List<SessionTransition> transitionsAfter(UUID sessionId, int afterSeq, int limit) {
        return db.selectFrom(SESSION_TRANSITIONS)
                .where(SESSION_TRANSITIONS.SESSION_ID.eq(sessionId).and(SESSION_TRANSITIONS.SEQ.gt(afterSeq)))
                .orderBy(SESSION_TRANSITIONS.SEQ)
                .limit(limit)
                .fetch(t -> new SessionTransition(t.getSeq(), SessionState.valueOf(t.getState()), t.getAt(),
                        t.getReason(), t.getRunId()));
    }

    @Override
    public List<JobResult> runs(UUID sessionId, Instant submittedBefore, int limit) {
        Condition where = JOBS.SESSION_ID.eq(sessionId);
        if (submittedBefore != null) {
            where = where.and(JOBS.SUBMITTED_AT.lt(submittedBefore));
        }
        return db.selectFrom(JOBS).where(where)
                .orderBy(JOBS.SUBMITTED_AT.desc())
                .limit(limit)
                .fetch(row -> jobs.toRecord(row))
                .stream().map(JobRecord::state).toList();
    }
}
