package dev.kiff.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.model.batch.Batch;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.RetryPolicy;
import dev.kiff.model.json.JobCodec;
import dev.kiff.persistence.jooq.Tables;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The jOOQ dead-letter requeue on a real PostgreSQL migrated by the real Flyway scripts. */
class JooqDeadLetterRequeueIT {

    private static final Instant NOW = Instant.parse("2030-01-02T03:05:00.654321Z");
    private static final Instant REQUEUED_AT = NOW.plusSeconds(3600);

    private static Connection connection;
    private static DSLContext db;
    private static JooqJobRepository jobs;
    private static JooqBatchRepository batches;
    private static JooqDeadLetterRequeue requeue;

    @BeforeAll
    static void migrateAndConnect() throws SQLException {
        connection = Database.connect();
        db = Database.using(connection);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        jobs = new JooqJobRepository(db, new JobCodec(), clock);
        batches = new JooqBatchRepository(db, jobs, clock);
        requeue = new JooqDeadLetterRequeue(db);
    }

    @AfterAll
    static void disconnect() throws SQLException {
        if (connection != null) {
            connection.close();
        }
    }

    /** Runs the queued job's every attempt into a platform failure, then dead-letters it, as a worker would. */
    private static void useUpAndDeadLetter(UUID id) {
        while (jobs.markRunning(id, "worker-a", NOW).isPresent()) {
            assertThat(jobs.requeue(id, JobStatus.QUEUED, "the engine failed", NOW)).isTrue();
        }
        assertThat(jobs.deadLetter(id, "the engine failed", NOW)).isTrue();
    }

    private static int maxAttempts(UUID id) {
        return db.select(Tables.JOBS.MAX_ATTEMPTS).from(Tables.JOBS).where(Tables.JOBS.ID.eq(id)).fetchOne(0,
                Integer.class);
    }

    private static JobResult state(UUID id) {
        return jobs.find(id).orElseThrow().state();
    }

    @Test
    void givesTheJobItsOwnAttemptsAgainEachTimeNotADoublingBudget() {
        Job job = Jobs.python("print(1)").tenant(Jobs.freshTenant()).retry(new RetryPolicy(2, false)).build();
        assertThat(jobs.insertQueued(job, "hash")).isTrue();
        useUpAndDeadLetter(job.id());
        assertThat(state(job.id()).attempts()).isEqualTo(2);

        assertThat(requeue.requeue(job.id(), job.tenant(), REQUEUED_AT)).isTrue();
        assertThat(maxAttempts(job.id())).isEqualTo(4);
        useUpAndDeadLetter(job.id());
        assertThat(state(job.id()).attempts()).as("two runs after the first requeue").isEqualTo(4);

        assertThat(requeue.requeue(job.id(), job.tenant(), REQUEUED_AT)).isTrue();
        assertThat(maxAttempts(job.id())).as("two more again, not the four it had").isEqualTo(6);
        assertThat(state(job.id()).attemptHistory()).hasSize(4);
    }

    @Test
    void queuesTheJobAnewAsSubmittedAtTheRequeueWithNoResultAndOutOfTheDeadLetters() {
        Job job = Jobs.python("print(1)").tenant(Jobs.freshTenant()).retry(new RetryPolicy(1, false)).build();
        assertThat(jobs.insertQueued(job, "hash")).isTrue();
        useUpAndDeadLetter(job.id());
        assertThat(jobs.deadLettered(job.tenant(), 0, 10)).hasSize(1);

        assertThat(requeue.requeue(job.id(), job.tenant(), REQUEUED_AT)).isTrue();

        JobResult state = state(job.id());
        assertThat(state.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(state.deadLettered()).isFalse();
        assertThat(state.message()).isNull();
        assertThat(state.timings().queuedAt()).isEqualTo(REQUEUED_AT);
        assertThat(state.timings().finishedAt()).isNull();
        assertThat(jobs.deadLettered(job.tenant(), 0, 10)).isEmpty();
        assertThat(jobs.resultsAfter(job.tenant(), 0, 10)).as("its result is gone until it ends again").isEmpty();
        assertThat(requeue.requeue(job.id(), job.tenant(), REQUEUED_AT)).as("queued once").isFalse();
    }

    @Test
    void requeuesOnlyADeadLetterOfTheTenantOrAnyForTheAdmin() {
        Job job = Jobs.python("print(1)").tenant(Jobs.freshTenant()).retry(new RetryPolicy(1, false)).build();
        assertThat(jobs.insertQueued(job, "hash")).isTrue();
        assertThat(requeue.requeue(job.id(), null, REQUEUED_AT)).as("queued, not a dead letter").isFalse();
        assertThat(jobs.fail(job.id(), "refused", NOW)).isTrue();
        assertThat(requeue.requeue(job.id(), null, REQUEUED_AT)).as("ERROR, yet not a dead letter").isFalse();

        Job dead = Jobs.python("print(2)").tenant(Jobs.freshTenant()).retry(new RetryPolicy(1, false)).build();
        assertThat(jobs.insertQueued(dead, "hash")).isTrue();
        useUpAndDeadLetter(dead.id());
        assertThat(requeue.requeue(dead.id(), Jobs.freshTenant(), REQUEUED_AT)).isFalse();
        assertThat(state(dead.id()).deadLettered()).isTrue();
        assertThat(requeue.requeue(dead.id(), null, REQUEUED_AT)).isTrue();
    }

    @Test
    void leavesADeadLetteredSessionRunWhereItIsForItRunsOnlyInItsSession() {
        Job run = Jobs.python("x = 1").tenant(Jobs.freshTenant()).retry(new RetryPolicy(1, false)).build();
        assertThat(jobs.insertQueued(run, "hash")).isTrue();
        db.update(Tables.JOBS).set(Tables.JOBS.SESSION_ID, UUID.randomUUID()).where(Tables.JOBS.ID.eq(run.id()))
                .execute();
        useUpAndDeadLetter(run.id());

        assertThat(requeue.requeue(run.id(), run.tenant(), REQUEUED_AT)).isFalse();
        assertThat(requeue.requeue(run.id(), null, REQUEUED_AT)).isFalse();
        assertThat(state(run.id()).deadLettered()).isTrue();
    }

    @Test
    void opensTheCompletedBatchOfTheJobAgainSoItsCompletionIsCountedOnceItEndsAgain() {
        String tenant = Jobs.freshTenant();
        Batch batch = new Batch(UUID.randomUUID(), tenant, 1, null, Jobs.SUBMITTED_AT, null, null);
        Job member = Jobs.python("print(1)").tenant(tenant).retry(new RetryPolicy(1, false)).build()
                .inBatch(batch.id());
        batches.insert(batch, List.of(member));
        useUpAndDeadLetter(member.id());
        assertThat(batches.markCompleted(batch.id(), NOW)).isTrue();

        assertThat(requeue.requeue(member.id(), tenant, REQUEUED_AT)).isTrue();

        assertThat(batches.find(batch.id()).orElseThrow().completedAt()).isNull();
        assertThat(batches.markCompleted(batch.id(), REQUEUED_AT)).as("its job is queued again").isFalse();
    }
}
