package dev.kiff.persistence;

import static dev.kiff.persistence.jooq.Tables.JOB_LOGS;

import dev.kiff.model.output.LogChunk;
import dev.kiff.core.output.LogStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Query;

/** The {@link LogStore} on PostgreSQL: one row per chunk, the text as UTF-8 bytes (it may hold NUL). */
public final class JooqLogStore implements LogStore {

    private final DSLContext db;

    public JooqLogStore(DSLContext db) {
        this.db = db;
    }

    @Override
    public void append(List<LogChunk> chunks) {
        List<Query> inserts = chunks.stream().<Query>map(c -> db.insertInto(JOB_LOGS)
                .set(JOB_LOGS.JOB_ID, c.jobId())
                .set(JOB_LOGS.ATTEMPT, c.attempt())
                .set(JOB_LOGS.SEQ, c.seq())
                .set(JOB_LOGS.STREAM, c.stream())
                .set(JOB_LOGS.DATA, c.data().getBytes(StandardCharsets.UTF_8))
                .set(JOB_LOGS.AT, c.at())
                .onConflictDoNothing()).toList();
        if (inserts.size() == 1) {
            inserts.get(0).execute();
        } else if (!inserts.isEmpty()) {
            db.batch(inserts).execute();
        }
    }

    @Override
    public List<LogChunk> read(UUID jobId, int afterAttempt, int afterSeq) {
        return db.selectFrom(JOB_LOGS)
                .where(JOB_LOGS.JOB_ID.eq(jobId)
                        .and(JOB_LOGS.ATTEMPT.gt(afterAttempt)
                                .or(JOB_LOGS.ATTEMPT.eq(afterAttempt).and(JOB_LOGS.SEQ.gt(afterSeq)))))
                .orderBy(JOB_LOGS.ATTEMPT, JOB_LOGS.SEQ)
                .fetch(row -> new LogChunk(LogChunk.VERSION, row.getJobId(), null, row.getAttempt(), row.getSeq(),
                        row.getStream(), new String(row.getData(), StandardCharsets.UTF_8), row.getAt()));
    }
}
