package dev.kiff.persistence;

import static dev.kiff.persistence.jooq.Tables.BATCHES;
import static dev.kiff.persistence.jooq.Tables.JOBS;

import dev.kiff.model.batch.Batch;
import dev.kiff.core.batch.BatchMember;
import dev.kiff.core.batch.BatchRepository;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobStatus;
import dev.kiff.persistence.jooq.tables.records.BatchesRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Query;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link BatchRepository} on PostgreSQL: a batch row, and its jobs in the jobs table marked with their place. */
public final class JooqBatchRepository implements BatchRepository {

    private static final Logger log = LoggerFactory.getLogger(JooqBatchRepository.class);
    /** Jobs per JDBC batch of inserts: large enough to amortise round trips, small enough to stay in memory. */
    private static final int INSERT_CHUNK = 500;

    private final DSLContext db;
    private final JooqJobRepository jobs;
    private final Clock clock;

    public JooqBatchRepository(DSLContext db, JooqJobRepository jobs, Clock clock) {
        this.db = db;
        this.jobs = jobs;
        this.clock = clock;
    }

    @Override
    public void insert(Batch batch, List<Job> members) {
        db.transaction(tx -> {
            DSLContext t = tx.dsl();
            t.insertInto(BATCHES)
                    .set(BATCHES.ID, batch.id())
                    .set(BATCHES.TENANT, batch.tenant())
                    .set(BATCHES.SIZE, batch.size())
                    .set(BATCHES.CALLBACK_URL, batch.callbackUrl())
                    .set(BATCHES.CREATED_AT, batch.createdAt())
                    .execute();
            for (int from = 0; from < members.size(); from += INSERT_CHUNK) {
                List<Query> inserts = new ArrayList<>();
                for (int i = from; i < Math.min(members.size(), from + INSERT_CHUNK); i++) {
                    inserts.add(jobs.heldRow(t, members.get(i), null, i));
                }
                t.batch(inserts).execute();
            }
        });
    }

    @Override
    public Optional<Batch> find(UUID id) {
        return db.selectFrom(BATCHES).where(BATCHES.ID.eq(id)).fetchOptional(JooqBatchRepository::toBatch);
    }

    @Override
    public Map<JobStatus, Integer> counts(UUID id) {
        Map<JobStatus, Integer> counts = new EnumMap<>(JobStatus.class);
        db.select(JOBS.STATUS, DSL.count()).from(JOBS).where(JOBS.BATCH_ID.eq(id)).groupBy(JOBS.STATUS)
                .forEach(row -> counts.put(row.value1(), row.value2()));
        return counts;
    }

    @Override
    public List<BatchMember> members(UUID id, JobStatus status, int afterIndex, int limit) {
        Condition where = JOBS.BATCH_ID.eq(id).and(JOBS.BATCH_INDEX.gt(afterIndex));
        if (status != null) {
            where = where.and(JOBS.STATUS.eq(status));
        }
        return db.selectFrom(JOBS).where(where).orderBy(JOBS.BATCH_INDEX).limit(limit)
                .fetch(row -> new BatchMember(row.getBatchIndex(), jobs.toRecord(row).state()));
    }

    @Override
    public boolean markCompleted(UUID id, Instant at) {
        int rows = db.update(BATCHES)
                .set(BATCHES.COMPLETED_AT, at)
                .where(BATCHES.ID.eq(id).and(BATCHES.COMPLETED_AT.isNull()))
                .andNotExists(DSL.selectOne().from(JOBS).where(JOBS.BATCH_ID.eq(id)
                        .and(JOBS.STATUS.in(JobStatus.QUEUED, JobStatus.RUNNING))))
                .execute();
        if (rows == 0) {
            log.debug("Batch(id={}) not marked completed: it has unfinished jobs or was marked before", id);
        }
        return rows == 1;
    }

    @Override
    public List<UUID> cancelQueued(UUID id, String reason, Instant at) {
        JobStatus to = JobStatus.QUEUED.cancel();
        return db.transactionResult(tx -> {
            JooqJobRepository.lockNumbering(tx.dsl());
            tx.dsl().update(BATCHES).set(BATCHES.CANCELLED_AT, at)
                    .where(BATCHES.ID.eq(id).and(BATCHES.CANCELLED_AT.isNull())).execute();
            return tx.dsl().update(JOBS)
                    .set(JOBS.STATUS, to)
                    .set(JOBS.MESSAGE, reason)
                    .set(JOBS.FINISHED_AT, at)
                    .set(JOBS.UPDATED_AT, clock.instant())
                    .set(JOBS.RESULT_SEQ, JooqJobRepository.NEXT_RESULT)
                    .where(JOBS.BATCH_ID.eq(id).and(JOBS.STATUS.eq(JobStatus.QUEUED)))
                    .returning(JOBS.ID)
                    .fetch(JOBS.ID);
        });
    }

    @Override
    public List<UUID> running(UUID id) {
        return db.select(JOBS.ID).from(JOBS).where(JOBS.BATCH_ID.eq(id).and(JOBS.STATUS.eq(JobStatus.RUNNING)))
                .fetch(JOBS.ID);
    }

    @Override
    public void reject(UUID id, String reason, Instant at) {
        db.update(JOBS)
                .set(JOBS.STATUS, JobStatus.QUEUED.reject())
                .set(JOBS.MESSAGE, reason)
                .set(JOBS.FINISHED_AT, at)
                .set(JOBS.UPDATED_AT, clock.instant())
                .where(JOBS.BATCH_ID.eq(id).and(JOBS.STATUS.eq(JobStatus.QUEUED)))
                .execute();
        db.update(BATCHES).set(BATCHES.COMPLETED_AT, at).where(BATCHES.ID.eq(id)).execute();
    }

    private static Batch toBatch(BatchesRecord row) {
        return new Batch(row.getId(), row.getTenant(), row.getSize(), row.getCallbackUrl(), row.getCreatedAt(),
                row.getCompletedAt(), row.getCancelledAt());
    }
}
