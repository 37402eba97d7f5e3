package dev.kiff.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiff.model.batch.Batch;
import dev.kiff.core.batch.BatchMember;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.json.JobCodec;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The jOOQ batch repository on a real PostgreSQL migrated by the real Flyway scripts. */
class JooqBatchRepositoryIT {

    private static final Instant NOW = Instant.parse("2030-01-02T03:05:00.654321Z");
    private static final String WORKER = "worker-a";

    private static Connection connection;
    private static JooqJobRepository jobs;
    private static JooqBatchRepository batches;

    @BeforeAll
    static void migrateAndConnect() throws SQLException {
        connection = Database.connect();
        DSLContext db = Database.using(connection);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        jobs = new JooqJobRepository(db, new JobCodec(), clock);
        batches = new JooqBatchRepository(db, jobs, clock);
    }

    @AfterAll
    static void disconnect() throws SQLException {
        if (connection != null) {
            connection.close();
        }
    }

    @Test
    void storesEveryJobOfALargeBatchInItsPlace() {
        Batch batch = batch(1200);
        List<Job> members = members(batch);

        batches.insert(batch, members);

        assertThat(batches.find(batch.id())).contains(batch);
        List<BatchMember> paged = new ArrayList<>();
        int after = -1;
        for (List<BatchMember> page = batches.members(batch.id(), null, after, 500); !page.isEmpty();
                page = batches.members(batch.id(), null, after, 500)) {
            assertThat(page).hasSizeLessThanOrEqualTo(500);
            assertThat(page.get(0).index()).as("a page starts after its cursor").isGreaterThan(after);
            paged.addAll(page);
            after = page.get(page.size() - 1).index();
        }
        assertThat(paged).extracting(BatchMember::index).containsExactlyElementsOf(IntStream.range(0, 1200).boxed()
                .toList());
        assertThat(paged).extracting(m -> m.result().id())
                .containsExactlyElementsOf(members.stream().map(Job::id).toList());
        assertThat(paged).allSatisfy(m -> {
            assertThat(m.result().status()).isEqualTo(JobStatus.QUEUED);
            assertThat(m.result().batchId()).isEqualTo(batch.id());
        });
        assertThat(jobs.find(members.get(1199).id())).hasValueSatisfying(stored -> {
            assertThat(stored.job()).isEqualTo(members.get(1199));
            assertThat(stored.state().batchId()).isEqualTo(batch.id());
        });
        assertThat(batches.counts(batch.id())).isEqualTo(Map.of(JobStatus.QUEUED, 1200));
    }

    @Test
    void pagesThroughTheMembersInOneStatus() {
        Batch batch = batch(6);
        List<Job> members = members(batch);
        batches.insert(batch, members);
        for (int i : new int[] {1, 2, 4}) {
            assertThat(jobs.markRunning(members.get(i).id(), WORKER, Jobs.STARTED_AT)).hasValue(1);
        }

        assertThat(batches.members(batch.id(), JobStatus.RUNNING, -1, 2)).extracting(BatchMember::index)
                .containsExactly(1, 2);
        assertThat(batches.members(batch.id(), JobStatus.RUNNING, 2, 2)).extracting(BatchMember::index)
                .containsExactly(4);
        assertThat(batches.members(batch.id(), JobStatus.QUEUED, -1, 10)).extracting(BatchMember::index)
                .containsExactly(0, 3, 5);
        assertThat(batches.members(batch.id(), JobStatus.SUCCEEDED, -1, 10)).isEmpty();
        assertThat(batches.members(UUID.randomUUID(), null, -1, 10)).isEmpty();
    }

    @Test
    void storesNeitherTheBatchNorAnyJobWhenOneJobCannotBeStored() {
        Batch batch = batch(600);
        List<Job> members = new ArrayList<>(members(batch));
        Job duplicate = Jobs.python("print('same id')").id(members.get(0).id()).tenant(batch.tenant()).build()
                .inBatch(batch.id());
        members.set(550, duplicate);

        assertThatThrownBy(() -> batches.insert(batch, members)).isInstanceOf(DataAccessException.class);

        assertThat(batches.find(batch.id())).isEmpty();
        assertThat(batches.counts(batch.id())).isEmpty();
        assertThat(members).allSatisfy(job -> assertThat(jobs.find(job.id())).isEmpty());
    }

    @Test
    void countsTheJobsOfTheBatchInEachStatus() {
        Batch batch = batch(5);
        List<Job> members = members(batch);
        batches.insert(batch, members);
        Batch other = batch(2);
        batches.insert(other, members(other));

        jobs.markRunning(members.get(0).id(), WORKER, Jobs.STARTED_AT);
        jobs.markRunning(members.get(1).id(), WORKER, Jobs.STARTED_AT);
        assertThat(jobs.complete(Jobs.succeeded(members.get(1), WORKER, "ok\n"))).isTrue();
        assertThat(jobs.cancel(members.get(2).id(), JobStatus.QUEUED, "cancelled", Jobs.FINISHED_AT)).isTrue();

        assertThat(batches.counts(batch.id())).isEqualTo(Map.of(JobStatus.RUNNING, 1, JobStatus.SUCCEEDED, 1,
                JobStatus.CANCELLED, 1, JobStatus.QUEUED, 2));
        assertThat(batches.counts(other.id())).isEqualTo(Map.of(JobStatus.QUEUED, 2));
    }

    @Test
    void marksTheBatchCompletedOnceWhenItsLastJobEnded() {
        Batch batch = batch(2);
        List<Job> members = members(batch);
        batches.insert(batch, members);
        Instant completedAt = Jobs.FINISHED_AT.plusSeconds(1);

        jobs.markRunning(members.get(0).id(), WORKER, Jobs.STARTED_AT);
        assertThat(jobs.complete(Jobs.succeeded(members.get(0), WORKER, "ok\n"))).isTrue();
        assertThat(batches.markCompleted(batch.id(), completedAt)).as("one job still queued").isFalse();
        jobs.markRunning(members.get(1).id(), WORKER, Jobs.STARTED_AT);
        assertThat(batches.markCompleted(batch.id(), completedAt)).as("one job still running").isFalse();
        assertThat(batches.find(batch.id()).orElseThrow().completedAt()).isNull();

        assertThat(jobs.complete(Jobs.finished(members.get(1), WORKER, JobStatus.FAILED, 1, "", "boom\n",
                "exited with code 1"))).isTrue();
        assertThat(batches.markCompleted(batch.id(), completedAt)).isTrue();
        assertThat(batches.markCompleted(batch.id(), completedAt.plusSeconds(5))).as("announced once").isFalse();

        assertThat(batches.find(batch.id()).orElseThrow().completedAt()).isEqualTo(completedAt);
    }

    @Test
    void cancelsOnlyTheQueuedJobsOfTheBatch() {
        Batch batch = batch(4);
        List<Job> members = members(batch);
        batches.insert(batch, members);
        Batch other = batch(1);
        List<Job> others = members(other);
        batches.insert(other, others);
        jobs.markRunning(members.get(1).id(), WORKER, Jobs.STARTED_AT);
        jobs.markRunning(members.get(3).id(), WORKER, Jobs.STARTED_AT);
        assertThat(jobs.complete(Jobs.succeeded(members.get(3), WORKER, "ok\n"))).isTrue();
        Instant cancelledAt = Jobs.FINISHED_AT.plusSeconds(2);

        assertThat(batches.cancelQueued(batch.id(), "batch cancelled", cancelledAt))
                .containsExactlyInAnyOrder(members.get(0).id(), members.get(2).id());

        assertThat(batches.running(batch.id())).containsExactly(members.get(1).id());
        assertThat(status(members.get(0))).isEqualTo(JobStatus.CANCELLED);
        assertThat(jobs.find(members.get(2).id()).orElseThrow().state()).satisfies(state -> {
            assertThat(state.status()).isEqualTo(JobStatus.CANCELLED);
            assertThat(state.message()).isEqualTo("batch cancelled");
            assertThat(state.timings().finishedAt()).isEqualTo(cancelledAt);
        });
        assertThat(status(members.get(1))).isEqualTo(JobStatus.RUNNING);
        assertThat(status(members.get(3))).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(status(others.get(0))).as("another batch's job").isEqualTo(JobStatus.QUEUED);
        assertThat(batches.find(batch.id()).orElseThrow().cancelledAt()).isEqualTo(cancelledAt);
        assertThat(batches.cancelQueued(batch.id(), "again", cancelledAt.plusSeconds(1))).isEmpty();
    }

    @Test
    void listsNoRunningJobsOfABatchWithNoneStarted() {
        Batch batch = batch(2);
        batches.insert(batch, members(batch));

        assertThat(batches.running(batch.id())).isEmpty();
    }

    @Test
    void rejectsTheQueuedJobsOfABatchTheBrokerDidNotTake() {
        Batch batch = batch(3);
        List<Job> members = members(batch);
        batches.insert(batch, members);
        jobs.markRunning(members.get(2).id(), WORKER, Jobs.STARTED_AT);

        batches.reject(batch.id(), "not queued: broker away", Jobs.FINISHED_AT);

        for (Job job : members.subList(0, 2)) {
            JobResult state = jobs.find(job.id()).orElseThrow().state();
            assertThat(state.status()).isEqualTo(JobStatus.REJECTED);
            assertThat(state.message()).isEqualTo("not queued: broker away");
            assertThat(state.timings().finishedAt()).isEqualTo(Jobs.FINISHED_AT);
        }
        assertThat(status(members.get(2))).isEqualTo(JobStatus.RUNNING);
        assertThat(batches.counts(batch.id())).isEqualTo(Map.of(JobStatus.REJECTED, 2, JobStatus.RUNNING, 1));
    }

    private static Batch batch(int size) {
        return new Batch(UUID.randomUUID(), Jobs.freshTenant(), size, "https://hooks.example/batch",
                Jobs.SUBMITTED_AT, null, null);
    }

    /** The batch's jobs, in the order they were submitted. */
    private static List<Job> members(Batch batch) {
        return IntStream.range(0, batch.size())
                .mapToObj(i -> Jobs.python("print(" + i + ")").tenant(batch.tenant()).build().inBatch(batch.id()))
                .toList();
    }

    private static JobStatus status(Job job) {
        return jobs.find(job.id()).orElseThrow().state().status();
    }
}
