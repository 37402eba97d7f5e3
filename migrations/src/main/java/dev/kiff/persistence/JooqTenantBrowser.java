package dev.kiff.persistence;

import static dev.kiff.persistence.jooq.Tables.JOBS;
import static dev.kiff.persistence.jooq.Tables.TENANTS;

import dev.kiff.core.console.TenantBrowser;
import dev.kiff.core.tenant.Quotas;
import dev.kiff.model.job.JobStatus;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/** The {@link TenantBrowser} over the tenants table; the unfinished jobs counted with the jobs' own index. */
public final class JooqTenantBrowser implements TenantBrowser {

    private final DSLContext db;

    public JooqTenantBrowser(DSLContext db) {
        this.db = db;
    }

    @Override
    public List<TenantUsage> tenants(int limit) {
        Field<Integer> unfinished = DSL.field(DSL.selectCount().from(JOBS).where(JOBS.TENANT.eq(TENANTS.ID)
                .and(JOBS.STATUS.in(JobStatus.QUEUED, JobStatus.RUNNING))));
        return db.select(TENANTS.ID, TENANTS.MAX_CONCURRENT_JOBS, TENANTS.SUBMISSIONS_PER_SECOND,
                        TENANTS.MAX_BATCH_SIZE, TENANTS.MAX_OPEN_SESSIONS, TENANTS.CREATED_AT, unfinished)
                .from(TENANTS)
                .orderBy(TENANTS.ID)
                .limit(limit)
                .fetch(row -> new TenantUsage(row.value1(), new Quotas(row.value2(), row.value3(), row.value4(),
                        row.value5()), row.value6(), row.value7()));
    }
}
