package dev.kiff.persistence;

import static dev.kiff.persistence.jooq.Tables.API_KEYS;
import static dev.kiff.persistence.jooq.Tables.JOBS;
import static dev.kiff.persistence.jooq.Tables.TENANTS;

import dev.kiff.model.job.JobStatus;
import dev.kiff.core.tenant.ApiKey;
import dev.kiff.core.tenant.Quotas;
import dev.kiff.core.tenant.Tenant;
import dev.kiff.core.tenant.TenantDirectory;
import dev.kiff.persistence.jooq.tables.records.TenantsRecord;
import java.time.Clock;
import java.util.Optional;
import org.jooq.DSLContext;

/** The {@link TenantDirectory} on PostgreSQL: tenants, and their keys by SHA-256. */
public final class JooqTenantDirectory implements TenantDirectory {

    private final DSLContext db;
    private final Clock clock;

    public JooqTenantDirectory(DSLContext db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public Optional<Tenant> findByKeyHash(String keyHash) {
        return db.select(TENANTS.fields()).from(TENANTS).join(API_KEYS).on(API_KEYS.TENANT.eq(TENANTS.ID))
                .where(API_KEYS.KEY_HASH.eq(keyHash))
                .fetchOptional(row -> toTenant(row.into(TENANTS)));
    }

    @Override
    public Optional<Tenant> find(String id) {
        return db.selectFrom(TENANTS).where(TENANTS.ID.eq(id)).fetchOptional(JooqTenantDirectory::toTenant);
    }

    @Override
    public boolean create(Tenant tenant, ApiKey key) {
        return db.transactionResult(tx -> {
            int created = tx.dsl().insertInto(TENANTS)
                    .set(TENANTS.ID, tenant.id())
                    .set(TENANTS.WEBHOOK_SECRET, tenant.webhookSecret())
                    .set(TENANTS.MAX_CONCURRENT_JOBS, tenant.quotas().maxConcurrentJobs())
                    .set(TENANTS.SUBMISSIONS_PER_SECOND, tenant.quotas().submissionsPerSecond())
                    .set(TENANTS.MAX_BATCH_SIZE, tenant.quotas().maxBatchSize())
                    .set(TENANTS.MAX_OPEN_SESSIONS, tenant.quotas().maxOpenSessions())
                    .set(TENANTS.CREATED_AT, tenant.createdAt())
                    .onConflict(TENANTS.ID).doNothing()
                    .execute();
            if (created == 1) {
                insertKey(tx.dsl(), tenant.id(), key);
            }
            return created == 1;
        });
    }

    @Override
    public void addKey(String tenantId, ApiKey key) {
        insertKey(db, tenantId, key);
    }

    private void insertKey(DSLContext tx, String tenantId, ApiKey key) {
        tx.insertInto(API_KEYS)
                .set(API_KEYS.KEY_HASH, key.hash())
                .set(API_KEYS.TENANT, tenantId)
                .set(API_KEYS.PREFIX, key.prefix())
                .set(API_KEYS.CREATED_AT, clock.instant())
                .onConflict(API_KEYS.KEY_HASH).doNothing()
                .execute();
    }

    @Override
    public boolean updateQuotas(String tenantId, Quotas quotas) {
        return db.update(TENANTS)
                .set(TENANTS.MAX_CONCURRENT_JOBS, quotas.maxConcurrentJobs())
                .set(TENANTS.SUBMISSIONS_PER_SECOND, quotas.submissionsPerSecond())
                .set(TENANTS.MAX_BATCH_SIZE, quotas.maxBatchSize())
                .set(TENANTS.MAX_OPEN_SESSIONS, quotas.maxOpenSessions())
                .where(TENANTS.ID.eq(tenantId))
                .execute() == 1;
    }

    @Override
    public int unfinishedJobs(String tenantId) {
        return db.fetchCount(JOBS, JOBS.TENANT.eq(tenantId)
                .and(JOBS.STATUS.in(JobStatus.QUEUED, JobStatus.RUNNING)));
    }

    private static Tenant toTenant(TenantsRecord row) {
        return new Tenant(row.getId(), new Quotas(row.getMaxConcurrentJobs(), row.getSubmissionsPerSecond(),
                row.getMaxBatchSize(), row.getMaxOpenSessions()), row.getWebhookSecret(), row.getCreatedAt());
    }
}
