package dev.kiff.persistence;

import static dev.kiff.persistence.jooq.Tables.JOBS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiff.core.job.IllegalTransitionException;
import dev.kiff.core.job.Job;
import dev.kiff.core.job.JobResult;
import dev.kiff.core.job.JobStatus;
import dev.kiff.core.job.Limits;
import dev.kiff.core.job.Timings;
import dev.kiff.core.json.JobCodec;
import dev.kiff.core.port.JobRecord;
import dev.kiff.core.sandbox.CapturedOutput;
import dev.kiff.core.sandbox.OutputCapture;
import dev.kiff.testkit.EmbeddedPostgresServer;
import dev.kiff.testkit.SharedInfrastructure;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The jOOQ repository on a real PostgreSQL migrated by the real Flyway scripts. */
class JooqJobRepositoryIT {

    private static final Instant NOW = Instant.parse("2030-01-02T03:05:00.654321Z");
    private static final String WORKER = "worker-a";

    private static Connection connection;
    private static DSLContext db;
    private static JooqJobRepository repository;

    @BeforeAll
    static void migrateAndConnect() throws SQLException {
        EmbeddedPostgresServer postgres = SharedInfrastructure.postgres();
        Flyway.configure()
                .dataSource(postgres.jdbcUrl(), postgres.username(), postgres.password())
                .load()
                .migrate();
        connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(), postgres.password());
        db = DSL.using(connection, SQLDialect.POSTGRES);
        repository = new JooqJobRepository(db, new JobCodec(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterAll
    static void disconnect() throws SQLException {
        if (connection != null) {
            connection.close();
        }
    }

    @Test
    void findsAnInsertedJobWithEveryFieldAsSubmitted() {
        Job job = Jobs.python("import sys\nprint(sys.stdin.read())")
                .stdin("line one\nline two\n")
                .env(Map.of("GREETING", "hello", "EMPTY", ""))
                .files(Map.of("data/in.csv", "a,b\n1,2\n", "main.py", "print('main')"))
                .limits(new Limits(12_345, 300, 0.75, 42, 4096))
                .build();

        assertThat(repository.insertQueued(job, "hash-1")).isTrue();

        JobRecord stored = repository.find(job.id()).orElseThrow();
        assertThat(stored.job()).isEqualTo(job);
        assertThat(stored.requestHash()).isEqualTo("hash-1");
        JobResult state = stored.state();
        assertThat(state.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(state.id()).isEqualTo(job.id());
        assertThat(state.tenant()).isEqualTo(Job.DEFAULT_TENANT);
        assertThat(state.vmType()).isEqualTo(job.vmType());
        assertThat(state.attempts()).isZero();
        assertThat(state.workerId()).isNull();
        assertThat(state.exitCode()).isNull();
        assertThat(state.timings().queuedAt()).isEqualTo(Jobs.SUBMITTED_AT);
        assertThat(state.timings().startedAt()).isNull();
        assertThat(state.timings().finishedAt()).isNull();
        assertThat(updatedAt(job)).isEqualTo(NOW);
    }

    @Test
    void findsNothingForAnUnknownId() {
        assertThat(repository.find(UUID.randomUUID())).isEmpty();
    }

    @Test
    void keepsTheFirstJobWhenASecondInsertReusesItsId() {
        Job first = Jobs.python("print('first')").build();
        Job second = Jobs.python("print('second')").id(first.id()).build();

        assertThat(repository.insertQueued(first, null)).isTrue();
        assertThat(repository.insertQueued(second, "other-hash")).isFalse();

        JobRecord stored = repository.find(first.id()).orElseThrow();
        assertThat(stored.job().code()).isEqualTo("print('first')");
        assertThat(stored.requestHash()).isNull();
    }

    @Test
    void startsAQueuedJobOnceAndCountsTheAttempt() {
        Job job = queued();

        assertThat(repository.markRunning(job.id(), WORKER, Jobs.STARTED_AT)).hasValue(1);
        assertThat(repository.markRunning(job.id(), "worker-b", Jobs.STARTED_AT.plusSeconds(1))).isEmpty();

        JobResult state = state(job);
        assertThat(state.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(state.workerId()).isEqualTo(WORKER);
        assertThat(state.attempts()).isEqualTo(1);
        assertThat(state.timings().startedAt()).isEqualTo(Jobs.STARTED_AT);
        assertThat(state.timings().queueWaitMs()).isEqualTo(250L);
    }

    @Test
    void doesNotStartAnUnknownJob() {
        assertThat(repository.markRunning(UUID.randomUUID(), WORKER, Jobs.STARTED_AT)).isEmpty();
    }

    @Test
    void completesOnlyForTheWorkerHoldingTheJob() {
        Job job = running();

        assertThat(repository.complete(Jobs.succeeded(job, "worker-b", "stolen\n"))).isFalse();

        JobResult unchanged = state(job);
        assertThat(unchanged.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(unchanged.workerId()).isEqualTo(WORKER);
        assertThat(unchanged.stdout()).isNull();
        assertThat(unchanged.timings().finishedAt()).isNull();

        JobResult result = new JobResult(JobResult.VERSION, job.id(), job.tenant(), job.vmType(), JobStatus.FAILED,
                3, "partial out", true, "boom\n", true, "exited with code 3", WORKER, 1,
                Timings.of(job.submittedAt(), Jobs.STARTED_AT, Jobs.FINISHED_AT), List.of());
        assertThat(repository.complete(result)).isTrue();

        assertThat(state(job)).isEqualTo(result);
    }

    @Test
    void doesNotCompleteAJobThatIsNotRunning() {
        Job queued = queued();
        assertThat(repository.complete(Jobs.succeeded(queued, WORKER, "x"))).isFalse();
        assertThat(state(queued).status()).isEqualTo(JobStatus.QUEUED);

        Job done = running();
        assertThat(repository.complete(Jobs.succeeded(done, WORKER, "first\n"))).isTrue();
        assertThat(repository.complete(Jobs.succeeded(done, WORKER, "second\n"))).isFalse();
        assertThat(state(done).stdout()).isEqualTo("first\n");
    }

    @Test
    void refusesToCompleteWithAStatusThatNoRunEndsIn() {
        Job job = running();

        assertThatThrownBy(() -> repository.complete(
                Jobs.finished(job, WORKER, JobStatus.REJECTED, null, null, null, "no")))
                .isInstanceOf(IllegalTransitionException.class);
        assertThat(state(job).status()).isEqualTo(JobStatus.RUNNING);
    }

    @Test
    void requeuesARunningJobSoTheNextStartIsAttemptTwo() {
        Job job = queued();
        assertThat(repository.requeue(job.id())).as("a QUEUED job cannot be requeued").isFalse();

        assertThat(repository.markRunning(job.id(), WORKER, Jobs.STARTED_AT)).hasValue(1);
        assertThat(repository.requeue(job.id())).isTrue();

        JobResult requeued = state(job);
        assertThat(requeued.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(requeued.workerId()).isNull();
        assertThat(requeued.timings().startedAt()).isNull();
        assertThat(requeued.attempts()).isEqualTo(1);

        assertThat(repository.markRunning(job.id(), "worker-b", Jobs.STARTED_AT.plusSeconds(5))).hasValue(2);
        assertThat(state(job).workerId()).isEqualTo("worker-b");
    }

    @Test
    void requeuesARunningJobOnlyOnceItsLeaseRanOut() {
        Job job = queued();
        repository.markRunning(job.id(), WORKER, Jobs.STARTED_AT);

        assertThat(repository.requeueAbandoned(job.id(), Jobs.STARTED_AT)).as("heartbeat not older").isFalse();
        assertThat(repository.heartbeat(WORKER, java.util.List.of(job.id()), Jobs.STARTED_AT.plusSeconds(30)))
                .isEqualTo(1);
        assertThat(repository.requeueAbandoned(job.id(), Jobs.STARTED_AT.plusSeconds(20)))
                .as("the heartbeat renewed the lease").isFalse();
        assertThat(state(job).status()).isEqualTo(JobStatus.RUNNING);

        assertThat(repository.requeueAbandoned(job.id(), Jobs.STARTED_AT.plusSeconds(31))).isTrue();
        assertThat(state(job).status()).isEqualTo(JobStatus.QUEUED);
        assertThat(repository.markRunning(job.id(), "worker-b", Jobs.STARTED_AT.plusSeconds(40))).hasValue(2);
    }

    @Test
    void renewsOnlyTheLeasesThatTheWorkerHolds() {
        Job mine = queued();
        Job theirs = queued();
        repository.markRunning(mine.id(), WORKER, Jobs.STARTED_AT);
        repository.markRunning(theirs.id(), "worker-b", Jobs.STARTED_AT);

        assertThat(repository.heartbeat(WORKER, java.util.List.of(mine.id(), theirs.id()),
                Jobs.STARTED_AT.plusSeconds(30))).isEqualTo(1);
        assertThat(repository.requeueAbandoned(theirs.id(), Jobs.STARTED_AT.plusSeconds(10))).isTrue();
        assertThat(repository.heartbeat(WORKER, java.util.List.of(), Jobs.STARTED_AT)).isZero();
    }

    @Test
    void rejectsAQueuedJobWithItsReason() {
        Job job = queued();

        assertThat(repository.reject(job.id(), "not queued: broker away", Jobs.FINISHED_AT)).isTrue();

        JobResult state = state(job);
        assertThat(state.status()).isEqualTo(JobStatus.REJECTED);
        assertThat(state.message()).isEqualTo("not queued: broker away");
        assertThat(state.timings().finishedAt()).isEqualTo(Jobs.FINISHED_AT);
        assertThat(repository.fail(job.id(), "late", Jobs.FINISHED_AT)).as("REJECTED is terminal").isFalse();
        assertThat(repository.markRunning(job.id(), WORKER, Jobs.STARTED_AT)).isEmpty();
        assertThat(state(job).message()).isEqualTo("not queued: broker away");
    }

    @Test
    void failsAQueuedJobWithItsReason() {
        Job job = queued();

        assertThat(repository.fail(job.id(), "retries exhausted", Jobs.FINISHED_AT)).isTrue();

        JobResult state = state(job);
        assertThat(state.status()).isEqualTo(JobStatus.ERROR);
        assertThat(state.message()).isEqualTo("retries exhausted");
        assertThat(repository.reject(job.id(), "late", Jobs.FINISHED_AT)).as("ERROR is terminal").isFalse();
        assertThat(state(job).status()).isEqualTo(JobStatus.ERROR);
    }

    @Test
    void neitherRejectsNorFailsARunningJob() {
        Job job = running();

        assertThat(repository.reject(job.id(), "no", Jobs.FINISHED_AT)).isFalse();
        assertThat(repository.fail(job.id(), "no", Jobs.FINISHED_AT)).isFalse();

        JobResult state = state(job);
        assertThat(state.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(state.message()).isNull();
        assertThat(state.timings().finishedAt()).isNull();
    }

    @Test
    void storesOutputWithReplacedNulAndNonAsciiText() {
        Job job = running();
        CapturedOutput stdout = captured("before\0after ünïcödé 日本語 🎉\n");
        CapturedOutput stderr = captured("\0\0 Fehler: Größe\n");

        JobResult result = new JobResult(JobResult.VERSION, job.id(), job.tenant(), job.vmType(),
                JobStatus.SUCCEEDED, 0, stdout.text(), false, stderr.text(), false, null, WORKER, 1,
                Timings.of(job.submittedAt(), Jobs.STARTED_AT, Jobs.FINISHED_AT), List.of());
        assertThat(repository.complete(result)).isTrue();

        JobResult stored = state(job);
        assertThat(stored.stdout()).isEqualTo("before\uFFFDafter ünïcödé 日本語 🎉\n");
        assertThat(stored.stderr()).isEqualTo("\uFFFD\uFFFD Fehler: Größe\n");
    }

    @Test
    void keepsNulCharactersInTheJobTextThroughTheJsonColumn() {
        Job job = Jobs.python("print('a\u0000b')")
                .stdin("in\u0000put")
                .env(Map.of("NAME", "ünï 日本"))
                .files(Map.of("blob.bin", "\u0000\u0001\u0002 🎉"))
                .build();

        assertThat(repository.insertQueued(job, null)).isTrue();

        Job stored = repository.find(job.id()).orElseThrow().job();
        assertThat(stored).isEqualTo(job);
        assertThat(stored.code()).contains("\u0000");
    }

    private static Job queued() {
        Job job = Jobs.python("print('queued')").build();
        assertThat(repository.insertQueued(job, null)).isTrue();
        return job;
    }

    private static Job running() {
        Job job = queued();
        assertThat(repository.markRunning(job.id(), WORKER, Jobs.STARTED_AT)).hasValue(1);
        return job;
    }

    private static JobResult state(Job job) {
        return repository.find(job.id()).orElseThrow().state();
    }

    private static Instant updatedAt(Job job) {
        return db.select(JOBS.UPDATED_AT).from(JOBS).where(JOBS.ID.eq(job.id())).fetchOne(JOBS.UPDATED_AT);
    }

    private static CapturedOutput captured(String text) {
        OutputCapture capture = new OutputCapture(64 * 1024);
        capture.append(text.getBytes(StandardCharsets.UTF_8));
        return capture.result();
    }
}
