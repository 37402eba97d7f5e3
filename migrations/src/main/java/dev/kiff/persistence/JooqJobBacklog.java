package dev.kiff.persistence;

import static dev.kiff.persistence.jooq.Tables.JOBS;

import dev.kiff.core.dispatch.JobBacklog;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.VmType;
import dev.kiff.persistence.jooq.tables.records.JobsRecord;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * The {@link JobBacklog} in the jobs table: a held job is a QUEUED row with no {@code published_at}; a claim is its
 * {@code publish_claim_expires_at}. Every claim runs in a transaction under an advisory lock of the tenant and VM type,
 * so the window is counted and filled by one claimer at a time across all API instances (the lock is held for the
 * count and the update, never for a publish); {@code FOR UPDATE SKIP LOCKED} passes over rows another statement is
 * changing (a cancellation).
 */
public final class JooqJobBacklog implements JobBacklog {

    /** The first key of the dispatch locks, the second is the hash of the tenant and VM type (any constant). */
    private static final int DISPATCH_LOCK = 0x6b64;

    /**
     * The tenant's open window of one VM type, counted up to the window's size: its published unfinished jobs (one
     * partial index) plus its held jobs under a live claim (another). {0}: the tenant, {1}: the VM type, {2}: the
     * window, {3}: now.
     */
    private static final String IN_FLIGHT = """
            ((SELECT count(*) FROM (SELECT 1 FROM jobs p WHERE p.tenant = {0} AND p.vm_type = {1}
                AND p.status IN ('QUEUED', 'RUNNING') AND p.published_at IS NOT NULL LIMIT {2}) published)
             + (SELECT count(*) FROM (SELECT 1 FROM jobs c WHERE c.tenant = {0} AND c.vm_type = {1}
                AND c.status = 'QUEUED' AND c.published_at IS NULL AND c.publish_claim_expires_at > {3} LIMIT {2})
                claimed))""";

    /** A held job nobody is publishing; {0} is now. */
    private static final String CLAIMABLE = "status = 'QUEUED' AND published_at IS NULL"
            + " AND (publish_claim_expires_at IS NULL OR publish_claim_expires_at <= {0})";

    private final DSLContext db;
    private final JooqJobRepository jobs;

    public JooqJobBacklog(DSLContext db, JooqJobRepository jobs) {
        this.db = db;
        this.jobs = jobs;
    }

    @Override
    public Stored insertHeld(Job job, String requestHash, int window, Instant now, Instant claimUntil) {
        Field<Integer> inFlight = inFlight(DSL.val(job.tenant()), DSL.val(job.vmType().wireName()), window, now);
        return jobs.heldRow(db, job, requestHash, null)
                .set(JOBS.PUBLISH_CLAIM_EXPIRES_AT, DSL.when(inFlight.lt(window), DSL.val(claimUntil, JOBS.PUBLISH_CLAIM_EXPIRES_AT))
                        .else_(DSL.inline(null, JOBS.PUBLISH_CLAIM_EXPIRES_AT)))
                .onConflict(JOBS.ID).doNothing()
                .returningResult(JOBS.PUBLISH_CLAIM_EXPIRES_AT)
                .fetchOptional()
                .map(row -> row.value1() == null ? Stored.HELD : Stored.CLAIMED)
                .orElse(Stored.EXISTS);
    }

    @Override
    public List<UUID> claim(String tenant, VmType vmType, List<UUID> ids, int window, Instant now,
            Instant claimUntil) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Field<UUID[]> wanted = DSL.val(ids.toArray(new UUID[0]));
        Set<UUID> claimed = new HashSet<>(db.transactionResult(tx -> {
            lock(tx.dsl(), tenant, vmType);
            return tx.dsl().resultQuery("UPDATE jobs SET publish_claim_expires_at = {0} WHERE id IN ("
                    + "SELECT id FROM jobs WHERE id = ANY({1}) AND " + CLAIMABLE.replace("{0}", "{2}")
                    // The ids of one submission: a batch's in place order, all of one submission time.
                    + " ORDER BY submitted_at, batch_index NULLS FIRST, id LIMIT greatest(0, {3} - {4})"
                    + " FOR UPDATE SKIP LOCKED) RETURNING id",
                    DSL.val(utc(claimUntil)), wanted, DSL.val(utc(now)), DSL.val(window),
                    inFlight(DSL.val(tenant), DSL.val(vmType.wireName()), window, now)).fetch(0, UUID.class);
        }));
        return ids.stream().filter(claimed::contains).toList();
    }

    @Override
    public List<Job> claimOldest(String tenant, VmType vmType, int max, int window, Instant now,
            Instant claimUntil) {
        List<JobsRecord> rows = db.transactionResult(tx -> {
            lock(tx.dsl(), tenant, vmType);
            return tx.dsl().resultQuery("UPDATE jobs SET publish_claim_expires_at = {0} WHERE id IN ("
                    + "SELECT id FROM jobs WHERE tenant = {1} AND vm_type = {2} AND "
                    + CLAIMABLE.replace("{0}", "{3}")
                    + " ORDER BY submitted_at, batch_index NULLS FIRST, id LIMIT least({4}, greatest(0, {5} - {6}))"
                    + " FOR UPDATE SKIP LOCKED) RETURNING *",
                    DSL.val(utc(claimUntil)), DSL.val(tenant), DSL.val(vmType.wireName()), DSL.val(utc(now)),
                    DSL.val(max), DSL.val(window), inFlight(DSL.val(tenant), DSL.val(vmType.wireName()), window, now))
                    .fetchInto(JOBS);
        });
        return rows.stream()
                .sorted(Comparator.comparing(JobsRecord::getSubmittedAt)
                        .thenComparing(r -> r.getBatchIndex() == null ? -1 : r.getBatchIndex()))
                .map(row -> jobs.toRecord(row).job())
                .toList();
    }

    @Override
    public List<Waiting> waiting(Instant now, int window) {
        return db.resultQuery("SELECT w.tenant, w.vm_type, w.waiting, {0} FROM (SELECT tenant, vm_type,"
                + " count(*) AS waiting FROM jobs WHERE " + CLAIMABLE.replace("{0}", "{1}")
                + " GROUP BY tenant, vm_type) w",
                inFlight(DSL.field("w.tenant", String.class), DSL.field("w.vm_type", String.class), window, now),
                DSL.val(utc(now)))
                .fetch(row -> new Waiting(row.get(0, String.class), VmType.fromWire(row.get(1, String.class)),
                        row.get(2, Integer.class), row.get(3, Integer.class)));
    }

    @Override
    public void published(Collection<UUID> ids, Instant at) {
        if (!ids.isEmpty()) {
            db.update(JOBS)
                    .set(JOBS.PUBLISHED_AT, at)
                    .setNull(JOBS.PUBLISH_CLAIM_EXPIRES_AT)
                    .where(JOBS.ID.in(ids).and(JOBS.PUBLISHED_AT.isNull()))
                    .execute();
        }
    }

    /** Serialises the claims of one tenant and VM type until the transaction ends: count and fill as one. */
    private static void lock(DSLContext tx, String tenant, VmType vmType) {
        tx.resultQuery("SELECT pg_advisory_xact_lock({0}, hashtext({1}))", DSL.val(DISPATCH_LOCK),
                DSL.val(tenant + "\n" + vmType.wireName())).fetch();
    }

    private static Field<Integer> inFlight(Field<String> tenant, Field<String> vmType, int window, Instant now) {
        return DSL.field(IN_FLIGHT, Integer.class, tenant, vmType, DSL.val(window), DSL.val(utc(now)));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
