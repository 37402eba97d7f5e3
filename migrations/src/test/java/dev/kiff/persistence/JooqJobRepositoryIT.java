package dev.kiff.persistence;

import static dev.kiff.persistence.jooq.Tables.JOBS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kiff.model.job.Attempt;
import dev.kiff.model.job.IllegalTransitionException;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.Limits;
import dev.kiff.model.job.ResourceUsage;
import dev.kiff.model.job.RetryPolicy;
import dev.kiff.model.job.Timings;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.port.JobRecord;
import dev.kiff.core.port.StoredResult;
import dev.kiff.core.sandbox.CapturedOutput;
import dev.kiff.core.sandbox.OutputCapture;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
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
        connection = Database.connect();
        db = Database.using(connection);
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
        assertThat(state.usage()).isNull();
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

        JobResult stored = state(job);
        assertThat(stored.attemptHistory()).singleElement().satisfies(run -> {
            assertThat(run.status()).isEqualTo(JobStatus.FAILED);
            assertThat(run.workerId()).isEqualTo(WORKER);
            assertThat(run.finishedAt()).isEqualTo(Jobs.FINISHED_AT);
            assertThat(run.reason()).isEqualTo("exited with code 3");
        });
        assertThat(stored.with(null, List.of(), false)).isEqualTo(result);
    }

    @Test
    void storesWhatTheRunUsedWithTheResultAndReadsItBack() {
        String tenant = Jobs.freshTenant();
        Job job = running(Jobs.python("print(1)").tenant(tenant));
        // Past what an int holds, and one figure the sandbox could not measure.
        ResourceUsage used = new ResourceUsage(1_234L, 87L, 5_000_000_000L, 3, null);
        JobResult result = Jobs.succeeded(job, WORKER, "1\n").withUsage(used);

        assertThat(repository.complete(result)).isTrue();

        assertThat(state(job).usage()).isEqualTo(used);
        assertThat(state(job).with(null, List.of(), false)).isEqualTo(result);
        assertThat(repository.resultsAfter(tenant, 0, 10)).singleElement()
                .satisfies(stored -> assertThat(stored.result().usage()).isEqualTo(used));
        assertThat(db.select(JOBS.CPU_MS, JOBS.PEAK_MEMORY_MB, JOBS.OUTPUT_BYTES, JOBS.GATEWAY_CALLS,
                JOBS.GATEWAY_BYTES).from(JOBS).where(JOBS.ID.eq(job.id())).fetchOne().intoList())
                .as("plain columns, so usage can be summed in SQL")
                .containsExactly(1_234L, 87L, 5_000_000_000L, 3, null);
    }

    @Test
    void storesNoUsageForAResultWhoseRunMeasuredNothing() {
        Job job = running();

        assertThat(repository.complete(Jobs.succeeded(job, WORKER, "1\n").withUsage(ResourceUsage.UNKNOWN))).isTrue();

        assertThat(state(job).usage()).isNull();
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
        assertThat(repository.requeue(job.id(), JobStatus.QUEUED, "worker died", Jobs.STARTED_AT))
                .as("a QUEUED job cannot be requeued").isFalse();

        assertThat(repository.markRunning(job.id(), WORKER, Jobs.STARTED_AT)).hasValue(1);
        assertThat(repository.requeue(job.id(), JobStatus.QUEUED, "worker died", Jobs.STARTED_AT)).isTrue();

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

        assertThat(repository.requeueAbandoned(job.id(), Jobs.STARTED_AT, "lease ran out", Jobs.STARTED_AT))
                .as("heartbeat not older").isFalse();
        assertThat(repository.heartbeat(WORKER, java.util.List.of(job.id()), Jobs.STARTED_AT.plusSeconds(30)))
                .isEqualTo(1);
        assertThat(repository.requeueAbandoned(job.id(), Jobs.STARTED_AT.plusSeconds(20), "lease ran out",
                Jobs.STARTED_AT)).as("the heartbeat renewed the lease").isFalse();
        assertThat(state(job).status()).isEqualTo(JobStatus.RUNNING);

        assertThat(repository.requeueAbandoned(job.id(), Jobs.STARTED_AT.plusSeconds(31), "lease ran out",
                Jobs.STARTED_AT)).isTrue();
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
        assertThat(repository.requeueAbandoned(theirs.id(), Jobs.STARTED_AT.plusSeconds(10), "lease ran out",
                Jobs.STARTED_AT)).isTrue();
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

    @Test
    void recordsEachStartAsARunningAttempt() {
        Job job = running();

        assertThat(state(job).attemptHistory())
                .containsExactly(new Attempt(1, WORKER, Jobs.STARTED_AT, null, JobStatus.RUNNING, null));
    }

    @Test
    void endsTheCurrentAttemptWithTheStatusAndReasonOfTheRequeue() {
        Job job = running();
        Instant requeuedAt = Jobs.STARTED_AT.plusSeconds(3);

        assertThat(repository.requeue(job.id(), JobStatus.FAILED, "exited with code 1; retrying", requeuedAt))
                .isTrue();
        assertThat(repository.markRunning(job.id(), "worker-b", requeuedAt.plusSeconds(1))).hasValue(2);

        assertThat(state(job).attemptHistory()).containsExactly(
                new Attempt(1, WORKER, Jobs.STARTED_AT, requeuedAt, JobStatus.FAILED, "exited with code 1; retrying"),
                new Attempt(2, "worker-b", requeuedAt.plusSeconds(1), null, JobStatus.RUNNING, null));
    }

    @Test
    void refusesAStartOnceTheJobUsedUpItsAttempts() {
        Job job = queued(Jobs.python("print('twice at most')").retry(new RetryPolicy(2, false)));

        assertThat(repository.markRunning(job.id(), WORKER, Jobs.STARTED_AT)).hasValue(1);
        assertThat(repository.requeue(job.id(), JobStatus.QUEUED, "worker died", Jobs.STARTED_AT.plusSeconds(1)))
                .isTrue();
        assertThat(repository.markRunning(job.id(), WORKER, Jobs.STARTED_AT.plusSeconds(2))).hasValue(2);
        assertThat(repository.requeue(job.id(), JobStatus.QUEUED, "worker died", Jobs.STARTED_AT.plusSeconds(3)))
                .isTrue();

        assertThat(repository.markRunning(job.id(), WORKER, Jobs.STARTED_AT.plusSeconds(4))).isEmpty();

        JobRecord stored = repository.find(job.id()).orElseThrow();
        assertThat(stored.job().retry()).isEqualTo(new RetryPolicy(2, false));
        assertThat(stored.state().status()).isEqualTo(JobStatus.QUEUED);
        assertThat(stored.state().attempts()).isEqualTo(2);
        assertThat(stored.state().attemptHistory()).extracting(Attempt::status)
                .containsExactly(JobStatus.QUEUED, JobStatus.QUEUED);
    }

    @Test
    void deadLettersAQueuedJobAndListsItWithItsAttempts() {
        String tenant = Jobs.freshTenant();
        Job job = queued(Jobs.python("print('unlucky')").tenant(tenant).retry(new RetryPolicy(1, false)));
        repository.markRunning(job.id(), WORKER, Jobs.STARTED_AT);
        repository.requeue(job.id(), JobStatus.QUEUED, "docker failed", Jobs.STARTED_AT.plusSeconds(1));
        Job running = running(Jobs.python("print('busy')").tenant(tenant));

        assertThat(repository.deadLetter(running.id(), "no", Jobs.FINISHED_AT)).as("not QUEUED").isFalse();
        assertThat(repository.deadLetter(job.id(), "docker failed", Jobs.FINISHED_AT)).isTrue();
        assertThat(repository.deadLetter(job.id(), "again", Jobs.FINISHED_AT)).as("no longer QUEUED").isFalse();

        JobResult state = state(job);
        assertThat(state.status()).isEqualTo(JobStatus.ERROR);
        assertThat(state.deadLettered()).isTrue();
        assertThat(state.message()).contains("docker failed");
        assertThat(state.timings().finishedAt()).isEqualTo(Jobs.FINISHED_AT);
        assertThat(state(running).deadLettered()).isFalse();

        assertThat(repository.deadLettered(tenant, 0, 10)).singleElement().satisfies(stored -> {
            assertThat(stored.result().id()).isEqualTo(job.id());
            assertThat(stored.result().deadLettered()).isTrue();
            assertThat(stored.result().attemptHistory()).containsExactly(new Attempt(1, WORKER, Jobs.STARTED_AT,
                    Jobs.STARTED_AT.plusSeconds(1), JobStatus.QUEUED, "docker failed"));
            assertThat(stored.seq()).isEqualTo(repository.latestResultSeq(tenant));
        });
        assertThat(repository.deadLettered(tenant, repository.latestResultSeq(tenant), 10)).isEmpty();
        assertThat(repository.deadLettered(Jobs.freshTenant(), 0, 10)).isEmpty();
    }

    @Test
    void listsATenantsResultsInTheOrderTheyWereStored() {
        String tenant = Jobs.freshTenant();
        Job failedLater = queued(Jobs.python("print('a')").tenant(tenant));
        Job succeededFirst = running(Jobs.python("print('b')").tenant(tenant));
        Job cancelledLast = queued(Jobs.python("print('c')").tenant(tenant));
        Job rejected = queued(Jobs.python("print('d')").tenant(tenant));
        Job stillRunning = running(Jobs.python("print('e')").tenant(tenant));
        Job otherTenants = running(Jobs.python("print('f')").tenant(Jobs.freshTenant()));

        assertThat(repository.complete(Jobs.succeeded(succeededFirst, WORKER, "b\n"))).isTrue();
        assertThat(repository.complete(Jobs.succeeded(otherTenants, WORKER, "f\n"))).isTrue();
        assertThat(repository.fail(failedLater.id(), "gave up", Jobs.FINISHED_AT)).isTrue();
        assertThat(repository.reject(rejected.id(), "broker away", Jobs.FINISHED_AT)).isTrue();
        assertThat(repository.cancel(cancelledLast.id(), JobStatus.QUEUED, "cancelled", Jobs.FINISHED_AT)).isTrue();

        List<StoredResult> results = repository.resultsAfter(tenant, 0, 10);
        assertThat(results).extracting(r -> r.result().id())
                .containsExactly(succeededFirst.id(), failedLater.id(), cancelledLast.id())
                .doesNotContain(rejected.id(), stillRunning.id());
        assertThat(results).extracting(r -> r.result().status())
                .containsExactly(JobStatus.SUCCEEDED, JobStatus.ERROR, JobStatus.CANCELLED);
        assertThat(results).extracting(StoredResult::seq).isSorted().doesNotHaveDuplicates();
        assertThat(results.get(0).result().attemptHistory()).as("each result with its runs")
                .extracting(Attempt::status).containsExactly(JobStatus.SUCCEEDED);
        assertThat(results.get(1).result().attemptHistory()).isEmpty();
        assertThat(repository.latestResultSeq(tenant)).isEqualTo(results.get(2).seq());

        assertThat(repository.resultsAfter(tenant, results.get(0).seq(), 10)).extracting(r -> r.result().id())
                .containsExactly(failedLater.id(), cancelledLast.id());
        assertThat(repository.resultsAfter(tenant, 0, 2)).extracting(r -> r.result().id())
                .containsExactly(succeededFirst.id(), failedLater.id());
        assertThat(repository.resultsAfter(tenant, results.get(2).seq(), 10)).isEmpty();
        assertThat(repository.latestResultSeq(Jobs.freshTenant())).isZero();
    }

    @Test
    void commitsResultsInTheOrderOfTheirNumbersSoAStreamNeverSkipsOne() throws Exception {
        String tenant = Jobs.freshTenant();
        Job slow = running(Jobs.python("print('slow')").tenant(tenant));
        Job fast = running(Jobs.python("print('fast')").tenant(tenant));
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (Connection held = Database.connect(); Connection second = Database.connect()) {
            JooqJobRepository secondWorker = new JooqJobRepository(Database.using(second), new JobCodec(),
                    Clock.fixed(NOW, ZoneOffset.UTC));
            Future<Boolean> fastDone = Database.using(held).transactionResult(tx -> {
                JooqJobRepository elsewhere = new JooqJobRepository(tx.dsl(), new JobCodec(),
                        Clock.fixed(NOW, ZoneOffset.UTC));
                // Numbered, not yet committed: a result completed meanwhile must wait for it.
                assertThat(elsewhere.complete(Jobs.succeeded(slow, WORKER, "slow\n"))).isTrue();
                Future<Boolean> done = other.submit(() -> secondWorker.complete(Jobs.succeeded(fast, WORKER,
                        "fast\n")));
                await().atMost(Duration.ofSeconds(30)).until(() -> repository.resultsAfter(tenant, 0, 10).isEmpty()
                        && waitingForTheNumberingLock());
                return done;
            });
            assertThat(fastDone.get(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            other.shutdownNow();
        }

        List<StoredResult> results = repository.resultsAfter(tenant, 0, 10);
        assertThat(results).extracting(r -> r.result().id()).containsExactly(slow.id(), fast.id());
    }

    private boolean waitingForTheNumberingLock() throws SQLException {
        try (Connection probe = Database.connect()) {
            return Database.using(probe).fetchExists(DSL.selectOne().from("pg_locks")
                    .where("locktype = 'advisory' and not granted"));
        }
    }

    @Test
    void recordsTheRunAsCancelledWhenARunningJobIsCancelled() {
        Job job = running();

        assertThat(repository.cancel(job.id(), JobStatus.QUEUED, "cancelled by client", Jobs.FINISHED_AT))
                .as("not QUEUED").isFalse();
        assertThat(repository.cancel(job.id(), JobStatus.RUNNING, "cancelled by client", Jobs.FINISHED_AT))
                .isTrue();

        JobResult state = state(job);
        assertThat(state.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(state.message()).isEqualTo("cancelled by client");
        assertThat(state.attemptHistory()).containsExactly(new Attempt(1, WORKER, Jobs.STARTED_AT, Jobs.FINISHED_AT,
                JobStatus.CANCELLED, "cancelled by client"));
    }

    @Test
    void recordsNoRunWhenAQueuedJobIsCancelled() {
        Job job = queued();

        assertThat(repository.cancel(job.id(), JobStatus.QUEUED, "cancelled by client", Jobs.FINISHED_AT)).isTrue();

        JobResult state = state(job);
        assertThat(state.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(state.attemptHistory()).isEmpty();
        assertThat(repository.markRunning(job.id(), WORKER, Jobs.STARTED_AT)).isEmpty();
    }

    private static Job queued() {
        return queued(Jobs.python("print('queued')"));
    }

    private static Job queued(Jobs jobs) {
        Job job = jobs.build();
        assertThat(repository.insertQueued(job, null)).isTrue();
        return job;
    }

    private static Job running() {
        return running(Jobs.python("print('queued')"));
    }

    private static Job running(Jobs jobs) {
        Job job = queued(jobs);
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
