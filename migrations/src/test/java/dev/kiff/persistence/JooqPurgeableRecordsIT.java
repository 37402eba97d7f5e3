package dev.kiff.persistence;

import static dev.kiff.persistence.jooq.Tables.GATEWAY_CALLS;
import static dev.kiff.persistence.jooq.Tables.JOBS;
import static dev.kiff.persistence.jooq.Tables.JOB_ARTIFACTS;
import static dev.kiff.persistence.jooq.Tables.JOB_ATTEMPTS;
import static dev.kiff.persistence.jooq.Tables.JOB_LOGS;
import static dev.kiff.persistence.jooq.Tables.WEBHOOK_ATTEMPTS;
import static dev.kiff.persistence.jooq.Tables.WEBHOOK_DELIVERIES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.model.job.JobStatus;
import dev.kiff.core.webhook.WebhookDelivery;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.IntSupplier;
import org.jooq.DSLContext;
import org.jooq.JSON;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The retention purge's deletes on a real PostgreSQL migrated by the real Flyway scripts. The rows here are dated in
 * the 1990s, before any other test's, so a cutoff of {@link #CUTOFF} touches no row of another test sharing the
 * database.
 */
class JooqPurgeableRecordsIT {

    private static final Instant OLD = Instant.parse("1990-01-01T00:00:00Z");
    private static final Instant CUTOFF = Instant.parse("1995-01-01T00:00:00Z");
    private static final Instant YOUNG = Instant.parse("1999-01-01T00:00:00Z");

    private static Connection connection;
    private static DSLContext db;
    private static JooqPurgeableRecords records;

    @BeforeAll
    static void migrateAndConnect() throws SQLException {
        connection = Database.connect();
        db = Database.using(connection);
        records = new JooqPurgeableRecords(db);
    }

    @AfterAll
    static void disconnect() throws SQLException {
        if (connection != null) {
            connection.close();
        }
    }

    private static UUID job(JobStatus status, Instant at, Instant finishedAt) {
        UUID id = UUID.randomUUID();
        db.insertInto(JOBS).set(JOBS.ID, id).set(JOBS.TENANT, "retention").set(JOBS.VM_TYPE, "code-exec")
                .set(JOBS.LANGUAGE, "python").set(JOBS.SPEC, JSON.valueOf("{}")).set(JOBS.STATUS, status)
                .set(JOBS.SUBMITTED_AT, at).set(JOBS.UPDATED_AT, at).set(JOBS.FINISHED_AT, finishedAt).execute();
        db.insertInto(JOB_ATTEMPTS).set(JOB_ATTEMPTS.JOB_ID, id).set(JOB_ATTEMPTS.ATTEMPT, 1)
                .set(JOB_ATTEMPTS.STARTED_AT, at).set(JOB_ATTEMPTS.STATUS, status).execute();
        log(id, 0, at);
        artifact(id, "out.txt", at);
        return id;
    }

    private static void log(UUID job, int seq, Instant at) {
        db.insertInto(JOB_LOGS).set(JOB_LOGS.JOB_ID, job).set(JOB_LOGS.ATTEMPT, 1).set(JOB_LOGS.SEQ, seq)
                .set(JOB_LOGS.STREAM, "stdout").set(JOB_LOGS.DATA, new byte[] {'x'}).set(JOB_LOGS.AT, at).execute();
    }

    private static void artifact(UUID job, String name, Instant at) {
        db.insertInto(JOB_ARTIFACTS).set(JOB_ARTIFACTS.JOB_ID, job).set(JOB_ARTIFACTS.NAME, name)
                .set(JOB_ARTIFACTS.CONTENT, new byte[] {'a'}).set(JOB_ARTIFACTS.SIZE_BYTES, 1L)
                .set(JOB_ARTIFACTS.CREATED_AT, at).execute();
    }

    private static long auditRow(UUID job, Instant at) {
        return db.insertInto(GATEWAY_CALLS).set(GATEWAY_CALLS.JOB_ID, job).set(GATEWAY_CALLS.BINDING, "llm")
                .set(GATEWAY_CALLS.METHOD, "POST").set(GATEWAY_CALLS.PATH, "/v1").set(GATEWAY_CALLS.STATUS, 200)
                .set(GATEWAY_CALLS.REQUEST_BYTES, 1L).set(GATEWAY_CALLS.RESPONSE_BYTES, 1L)
                .set(GATEWAY_CALLS.DURATION_MS, 1L).set(GATEWAY_CALLS.OUTCOME, "OK").set(GATEWAY_CALLS.AT, at)
                .returning(GATEWAY_CALLS.ID).fetchOne().getId();
    }

    private static UUID delivery(String status, Instant createdAt) {
        UUID id = UUID.randomUUID();
        db.insertInto(WEBHOOK_DELIVERIES).set(WEBHOOK_DELIVERIES.ID, id).set(WEBHOOK_DELIVERIES.TENANT, "retention")
                .set(WEBHOOK_DELIVERIES.EVENT, WebhookDelivery.JOB_COMPLETED)
                .set(WEBHOOK_DELIVERIES.JOB_ID, UUID.randomUUID()).set(WEBHOOK_DELIVERIES.URL, "https://h.example/")
                .set(WEBHOOK_DELIVERIES.PAYLOAD, new byte[] {'{', '}'}).set(WEBHOOK_DELIVERIES.STATUS, status)
                // Far ahead: a pending one of these is never due for another test's claims.
                .set(WEBHOOK_DELIVERIES.NEXT_ATTEMPT_AT, Instant.parse("2100-01-01T00:00:00Z"))
                .set(WEBHOOK_DELIVERIES.CREATED_AT, createdAt).execute();
        db.insertInto(WEBHOOK_ATTEMPTS).set(WEBHOOK_ATTEMPTS.DELIVERY_ID, id).set(WEBHOOK_ATTEMPTS.ATTEMPT, 1)
                .set(WEBHOOK_ATTEMPTS.AT, createdAt).set(WEBHOOK_ATTEMPTS.STATUS_CODE, 500)
                .set(WEBHOOK_ATTEMPTS.DURATION_MS, 1L).execute();
        return id;
    }

    private static List<Integer> purgeInBatches(IntSupplier batch) {
        List<Integer> sizes = new ArrayList<>();
        int deleted;
        do {
            deleted = batch.getAsInt();
            sizes.add(deleted);
        } while (deleted > 0);
        return sizes;
    }

    private static boolean jobExists(UUID id) {
        return db.fetchExists(JOBS, JOBS.ID.eq(id));
    }

    @Test
    void purgesFinishedJobsThatEndedBeforeTheCutoffWithTheirAttemptsLogsAndArtifactsInBatchesOfTheLimit() {
        List<UUID> old = new ArrayList<>();
        for (JobStatus status : List.of(JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.TIMED_OUT,
                JobStatus.CANCELLED, JobStatus.REJECTED)) {
            old.add(job(status, OLD, OLD.plusSeconds(5)));
        }
        UUID young = job(JobStatus.SUCCEEDED, OLD, YOUNG);
        UUID queued = job(JobStatus.QUEUED, OLD, null);
        UUID running = job(JobStatus.RUNNING, OLD, null);
        long audit = auditRow(old.get(0), YOUNG);

        assertThat(purgeInBatches(() -> records.purgeFinishedJobs(CUTOFF, 2))).containsExactly(2, 2, 1, 0);

        assertThat(old).noneMatch(JooqPurgeableRecordsIT::jobExists);
        assertThat(db.fetchCount(JOB_ATTEMPTS, JOB_ATTEMPTS.JOB_ID.in(old))).isZero();
        assertThat(db.fetchCount(JOB_LOGS, JOB_LOGS.JOB_ID.in(old))).isZero();
        assertThat(db.fetchCount(JOB_ARTIFACTS, JOB_ARTIFACTS.JOB_ID.in(old))).isZero();
        assertThat(List.of(young, queued, running)).allMatch(JooqPurgeableRecordsIT::jobExists);
        assertThat(db.fetchCount(JOB_LOGS, JOB_LOGS.JOB_ID.eq(queued))).as("unfinished: its logs kept").isOne();
        assertThat(db.fetchExists(GATEWAY_CALLS, GATEWAY_CALLS.ID.eq(audit))).as("audit has its own period")
                .isTrue();
    }

    @Test
    void purgesLogChunksArtifactsAndAuditRowsOlderThanTheCutoffOnly() {
        UUID job = UUID.randomUUID();
        for (int seq = 0; seq < 3; seq++) {
            log(job, seq, OLD);
        }
        log(job, 3, YOUNG);
        artifact(job, "a", OLD);
        artifact(job, "b", OLD);
        artifact(job, "c", OLD);
        artifact(job, "d", YOUNG);
        long oldCall = auditRow(job, OLD);
        auditRow(job, OLD);
        auditRow(job, OLD);
        long youngCall = auditRow(job, YOUNG);

        assertThat(purgeInBatches(() -> records.purgeLogs(CUTOFF, 2))).containsExactly(2, 1, 0);
        assertThat(purgeInBatches(() -> records.purgeArtifacts(CUTOFF, 2))).containsExactly(2, 1, 0);
        assertThat(purgeInBatches(() -> records.purgeAuditRows(CUTOFF, 2))).containsExactly(2, 1, 0);

        assertThat(db.select(JOB_LOGS.SEQ).from(JOB_LOGS).where(JOB_LOGS.JOB_ID.eq(job)).fetch(JOB_LOGS.SEQ))
                .containsExactly(3);
        assertThat(db.select(JOB_ARTIFACTS.NAME).from(JOB_ARTIFACTS).where(JOB_ARTIFACTS.JOB_ID.eq(job))
                .fetch(JOB_ARTIFACTS.NAME)).containsExactly("d");
        assertThat(db.fetchExists(GATEWAY_CALLS, GATEWAY_CALLS.ID.eq(oldCall))).isFalse();
        assertThat(db.fetchExists(GATEWAY_CALLS, GATEWAY_CALLS.ID.eq(youngCall))).isTrue();
    }

    @Test
    void purgesDoneWebhookDeliveriesWithTheirTriesAndKeepsPendingAndYoungOnes() {
        UUID delivered = delivery(WebhookDelivery.DELIVERED, OLD);
        UUID failed = delivery(WebhookDelivery.FAILED, OLD);
        UUID failedToo = delivery(WebhookDelivery.FAILED, OLD);
        UUID pending = delivery(WebhookDelivery.PENDING, OLD);
        UUID young = delivery(WebhookDelivery.DELIVERED, YOUNG);

        assertThat(purgeInBatches(() -> records.purgeWebhookDeliveries(CUTOFF, 2))).containsExactly(2, 1, 0);

        List<UUID> gone = List.of(delivered, failed, failedToo);
        assertThat(db.fetchCount(WEBHOOK_DELIVERIES, WEBHOOK_DELIVERIES.ID.in(gone))).isZero();
        assertThat(db.fetchCount(WEBHOOK_ATTEMPTS, WEBHOOK_ATTEMPTS.DELIVERY_ID.in(gone))).isZero();
        assertThat(db.fetchCount(WEBHOOK_DELIVERIES, WEBHOOK_DELIVERIES.ID.in(pending, young))).isEqualTo(2);
        assertThat(db.fetchCount(WEBHOOK_ATTEMPTS, WEBHOOK_ATTEMPTS.DELIVERY_ID.in(pending, young))).isEqualTo(2);
    }
}
