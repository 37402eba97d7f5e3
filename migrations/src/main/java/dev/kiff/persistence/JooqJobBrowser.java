package dev.kiff.persistence;

import static dev.kiff.persistence.jooq.Tables.JOBS;

import dev.kiff.core.console.JobBrowser;
import dev.kiff.model.job.JobStatus;
import java.util.ArrayList;
import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/** The {@link JobBrowser} over the jobs table: plain filtered reads, nothing is changed. */
public final class JooqJobBrowser implements JobBrowser {

    private final DSLContext db;

    public JooqJobBrowser(DSLContext db) {
        this.db = db;
    }

    @Override
    public List<JobSummary> jobs(JobQuery query) {
        List<Condition> where = new ArrayList<>();
        if (query.tenant() != null) {
            where.add(JOBS.TENANT.eq(query.tenant()));
        }
        if (query.status() != null) {
            where.add(JOBS.STATUS.eq(query.status()));
        }
        if (query.vmType() != null) {
            where.add(JOBS.VM_TYPE.eq(query.vmType()));
        }
        if (query.batchId() != null) {
            where.add(JOBS.BATCH_ID.eq(query.batchId()));
        }
        if (query.deadLetteredOnly()) {
            where.add(JOBS.DEAD_LETTERED_AT.isNotNull());
        }
        return db.select(JOBS.ID, JOBS.TENANT, JOBS.VM_TYPE, JOBS.STATUS, JOBS.BATCH_ID, JOBS.ATTEMPTS,
                        JOBS.SUBMITTED_AT, JOBS.FINISHED_AT, JOBS.DEAD_LETTERED_AT, JOBS.MESSAGE)
                .from(JOBS)
                .where(DSL.and(where))
                .orderBy(JOBS.SUBMITTED_AT.desc(), JOBS.ID)
                .limit(query.pageSize())
                .offset((long) query.page() * query.pageSize())
                .fetch(row -> new JobSummary(row.value1(), row.value2(), row.value3(), row.value4(), row.value5(),
                        row.value6(), row.value7(), row.value8(), row.value9(), row.value10()));
    }

    @Override
    public List<BatchProgress> batches(String tenant, int limit) {
        Field<Integer> total = DSL.count();
        Field<Integer> finished = DSL.count().filterWhere(JOBS.STATUS.in(terminal()));
        Field<Integer> succeeded = DSL.count().filterWhere(JOBS.STATUS.eq(JobStatus.SUCCEEDED));
        var submitted = DSL.min(JOBS.SUBMITTED_AT);
        return db.select(JOBS.BATCH_ID, JOBS.TENANT, total, finished, succeeded, submitted)
                .from(JOBS)
                .where(JOBS.BATCH_ID.isNotNull().and(tenant == null ? DSL.noCondition() : JOBS.TENANT.eq(tenant)))
                .groupBy(JOBS.BATCH_ID, JOBS.TENANT)
                .orderBy(submitted.desc())
                .limit(limit)
                .fetch(row -> new BatchProgress(row.value1(), row.value2(), row.value3(), row.value4(), row.value5(),
                        row.value6()));
    }

    private static List<JobStatus> terminal() {
        return List.of(JobStatus.values()).stream().filter(JobStatus::isTerminal).toList();
    }
}
