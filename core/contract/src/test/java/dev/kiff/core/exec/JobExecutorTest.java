package dev.kiff.core.exec;

import static dev.kiff.core.sandbox.Outcomes.exit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiff.core.failure.TransientFailure;
import dev.kiff.core.gateway.ArtifactInfo;
import dev.kiff.core.gateway.InMemoryArtifactStore;
import dev.kiff.core.job.Job;
import dev.kiff.core.job.JobResult;
import dev.kiff.core.job.JobStatus;
import dev.kiff.core.job.Jobs;
import dev.kiff.core.port.InMemoryJobRepository;
import dev.kiff.core.port.RecordingResultPublisher;
import dev.kiff.core.port.ScriptedSandboxRuntime;
import dev.kiff.core.sandbox.Outcomes;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobExecutorTest {

    /** The worker's clock: one second after the job was submitted, when the sandbox starts. */
    private static final Instant NOW = Outcomes.STARTED_AT;
    private static final String WORKER = "worker-1";

    private final Job job = Jobs.job("print(sum(range(10)))").build();
    private final InMemoryJobRepository jobs = new InMemoryJobRepository();
    private final ScriptedSandboxRuntime sandboxes = new ScriptedSandboxRuntime();
    private final RecordingResultPublisher results = new RecordingResultPublisher();
    private final InMemoryArtifactStore artifacts = new InMemoryArtifactStore();

    private JobExecutor executor() {
        return executor(jobs);
    }

    private JobExecutor executor(InMemoryJobRepository repository) {
        return new JobExecutor(repository, sandboxes, results, artifacts, Clock.fixed(NOW, ZoneOffset.UTC), WORKER,
                java.time.Duration.ofSeconds(30));
    }

    @Test
    void runsAQueuedJobToSucceededStoresItAndPublishesItOnce() {
        jobs.insertQueued(job, "hash");
        sandboxes.thenReturn(exit(0).stdout("45\n").artifact("out.csv", new byte[] {1, 2}).build());

        JobResult result = executor().execute(job);

        assertThat(result.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.id()).isEqualTo(job.id());
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).isEqualTo("45\n");
        assertThat(result.message()).isNull();
        assertThat(result.workerId()).isEqualTo(WORKER);
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(result.timings().queuedAt()).isEqualTo(Jobs.SUBMITTED_AT);
        assertThat(result.timings().startedAt()).isEqualTo(NOW);
        assertThat(result.timings().queueWaitMs()).isEqualTo(1000);
        assertThat(result.timings().runTimeMs()).isEqualTo(250);
        assertThat(result.artifacts()).containsExactly(new ArtifactInfo("out.csv", 2));
        assertThat(sandboxes.ran()).containsExactly(job);
        assertThat(jobs.state(job.id())).isEqualTo(result);
        assertThat(results.published()).containsExactly(result);
        assertThat(artifacts.list(job.id())).containsExactly(new ArtifactInfo("out.csv", 2));
    }

    @Test
    void judgesTheRunByItsOutcome() {
        sandboxes.thenReturn(exit(137).timedOut().oomKilled().build());

        JobResult result = executor().execute(job);

        assertThat(result.status()).isEqualTo(JobStatus.TIMED_OUT);
        assertThat(result.message()).isEqualTo("wall-clock limit of 10000 ms exceeded; the sandbox was killed");
        assertThat(result.exitCode()).isEqualTo(137);
        assertThat(jobs.state(job.id()).status()).isEqualTo(JobStatus.TIMED_OUT);
        assertThat(results.published()).containsExactly(result);
        assertThat(artifacts.list(job.id())).isEmpty();
    }

    @Test
    void insertsAJobUnknownToTheRepositoryThenRunsIt() {
        sandboxes.thenReturn(exit(0).build());

        JobResult result = executor().execute(job);

        assertThat(jobs.find(job.id())).hasValueSatisfying(record -> {
            assertThat(record.job()).isEqualTo(job);
            assertThat(record.requestHash()).isNull();
        });
        assertThat(sandboxes.ran()).containsExactly(job);
        assertThat(result.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(results.published()).containsExactly(result);
    }

    @Test
    void doesNotRunARedeliveredTerminalJobButPublishesItsResultAgain() {
        sandboxes.thenReturn(exit(0).build());
        JobResult first = executor().execute(job);

        JobResult again = executor().execute(job);

        assertThat(sandboxes.ran()).hasSize(1);
        assertThat(again).isEqualTo(first);
        assertThat(results.published()).containsExactly(first, first);
    }

    @Test
    void doesNotRunAJobCancelledBeforeItWasDeliveredButPublishesTheCancellation() {
        jobs.insertQueued(job, null);
        jobs.cancel(job.id(), "cancelled by the client", NOW);

        JobResult result = executor().execute(job);

        assertThat(sandboxes.ran()).isEmpty();
        assertThat(result.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(results.published()).containsExactly(result);
    }

    @Test
    void requeuesAJobLeftRunningAndRunsItAgainAsTheSecondAttempt() {
        jobs.insertQueued(job, null);
        jobs.markRunning(job.id(), "dead-worker", NOW.minusSeconds(600));
        sandboxes.thenReturn(exit(0).build());

        JobResult result = executor().execute(job);

        assertThat(sandboxes.ran()).containsExactly(job);
        assertThat(result.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.attempts()).isEqualTo(2);
        assertThat(result.workerId()).isEqualTo(WORKER);
        assertThat(result.timings().startedAt()).isEqualTo(NOW);
        assertThat(jobs.state(job.id())).isEqualTo(result);
        assertThat(results.published()).containsExactly(result);
    }

    @Test
    void doesNotRunAJobAgainWhileAnotherWorkerHoldsItsLease() {
        jobs.insertQueued(job, null);
        jobs.markRunning(job.id(), "live-worker", NOW.minusSeconds(10));

        JobResult result = executor().execute(job);

        assertThat(result.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(result.workerId()).isEqualTo("live-worker");
        assertThat(sandboxes.ran()).isEmpty();
        assertThat(results.published()).isEmpty();
    }

    @Test
    void runsAgainAtOnceAJobAnEarlierLifeOfThisWorkerLeftRunning() {
        jobs.insertQueued(job, null);
        jobs.markRunning(job.id(), WORKER, NOW.minusSeconds(1));
        sandboxes.thenReturn(exit(0).build());

        JobResult result = executor().execute(job);

        assertThat(sandboxes.ran()).containsExactly(job);
        assertThat(result.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.attempts()).isEqualTo(2);
    }

    @Test
    void aHeartbeatKeepsTheLeaseOfAJobRunningLongerThanTheLease() {
        jobs.insertQueued(job, null);
        jobs.markRunning(job.id(), "live-worker", NOW.minusSeconds(600));
        jobs.heartbeat("live-worker", java.util.List.of(job.id()), NOW.minusSeconds(5));

        JobResult result = executor().execute(job);

        assertThat(result.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(sandboxes.ran()).isEmpty();
    }

    @Test
    void renewsTheLeasesOfTheJobsItRuns() {
        jobs.insertQueued(job, null);
        JobExecutor[] executor = new JobExecutor[1];
        int[] runningMeanwhile = new int[1];
        executor[0] = new JobExecutor(jobs, running -> {
            runningMeanwhile[0] = executor[0].runningCount();
            executor[0].heartbeat();
            return exit(0).build();
        }, results, artifacts, Clock.fixed(NOW.plusSeconds(20), ZoneOffset.UTC), WORKER,
                java.time.Duration.ofSeconds(30));

        executor[0].execute(job);

        assertThat(runningMeanwhile[0]).isEqualTo(1);
        assertThat(jobs.heartbeatOf(job.id())).isEqualTo(NOW.plusSeconds(20));
        assertThat(executor[0].runningCount()).isZero();
    }

    @Test
    void putsTheJobBackToQueuedAndRethrowsOnATransientFailure() {
        TransientFailure dockerAway = new TransientFailure("docker away");
        sandboxes.thenThrow(dockerAway);

        assertThatThrownBy(() -> executor().execute(job)).isSameAs(dockerAway);

        JobResult state = jobs.state(job.id());
        assertThat(state.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(state.workerId()).isNull();
        assertThat(state.attempts()).isEqualTo(1);
        assertThat(results.published()).isEmpty();
    }

    @Test
    void runsAJobAgainOnTheRetryAfterATransientFailure() {
        sandboxes.thenThrow(new TransientFailure("docker away")).thenReturn(exit(0).build());
        assertThatThrownBy(() -> executor().execute(job)).isInstanceOf(TransientFailure.class);

        JobResult result = executor().execute(job);

        assertThat(sandboxes.ran()).containsExactly(job, job);
        assertThat(result.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.attempts()).isEqualTo(2);
        assertThat(results.published()).containsExactly(result);
    }

    @Test
    void keepsTheStoredResultWhenPublishingItFailsAndPublishesItOnRedelivery() {
        sandboxes.thenReturn(exit(0).build());
        TransientFailure brokerAway = new TransientFailure("broker away");
        results.failNextWith(brokerAway);

        assertThatThrownBy(() -> executor().execute(job)).isSameAs(brokerAway);
        JobResult stored = jobs.state(job.id());
        assertThat(stored.status()).isEqualTo(JobStatus.SUCCEEDED);

        assertThat(executor().execute(job)).isEqualTo(stored);
        assertThat(sandboxes.ran()).hasSize(1);
        assertThat(results.published()).containsExactly(stored);
    }

    @Test
    void givingUpEndsTheJobInErrorWithTheReasonAndPublishesIt() {
        jobs.insertQueued(job, null);

        JobResult result = executor().giveUp(job, "docker away after 5 attempts");

        assertThat(result.status()).isEqualTo(JobStatus.ERROR);
        assertThat(result.message()).isEqualTo("docker away after 5 attempts");
        assertThat(result.timings().finishedAt()).isEqualTo(NOW);
        assertThat(jobs.state(job.id())).isEqualTo(result);
        assertThat(results.published()).containsExactly(result);
        assertThat(sandboxes.ran()).isEmpty();
    }

    @Test
    void givingUpOnAJobUnknownToTheRepositoryStoresItInError() {
        JobResult result = executor().giveUp(job, "docker away");

        assertThat(jobs.find(job.id())).isPresent();
        assertThat(result.status()).isEqualTo(JobStatus.ERROR);
        assertThat(results.published()).containsExactly(result);
    }

    @Test
    void givingUpOnAJobLeftRunningEndsItInError() {
        jobs.insertQueued(job, null);
        jobs.markRunning(job.id(), "dead-worker", NOW);

        JobResult result = executor().giveUp(job, "docker away");

        assertThat(result.status()).isEqualTo(JobStatus.ERROR);
        assertThat(result.message()).isEqualTo("docker away");
        assertThat(results.published()).containsExactly(result);
    }

    @Test
    void givingUpOnAJobThatEndedMeanwhileKeepsAndRepublishesItsResult() {
        sandboxes.thenReturn(exit(0).build());
        JobResult succeeded = executor().execute(job);

        JobResult result = executor().giveUp(job, "docker away");

        assertThat(result).isEqualTo(succeeded);
        assertThat(results.published()).containsExactly(succeeded, succeeded);
    }

    @Test
    void publishesTheStoredCancelledResultNotTheRunsWhenTheJobWasCancelledWhileRunning() {
        sandboxes.thenDo(running -> {
            jobs.cancel(running.id(), "cancelled by the client", NOW.plusMillis(100));
            return exit(0).stdout("done\n").build();
        });

        JobResult result = executor().execute(job);

        JobResult cancelled = jobs.state(job.id());
        assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(cancelled.message()).isEqualTo("cancelled by the client");
        assertThat(result).isEqualTo(cancelled);
        assertThat(results.published()).containsExactly(cancelled);
    }

    @Test
    void doesNotRunOrPublishAJobAnotherWorkerStartedFirst() {
        InMemoryJobRepository racing = new InMemoryJobRepository() {
            @Override
            public OptionalInt markRunning(UUID id, String workerId, Instant startedAt) {
                super.markRunning(id, "other-worker", startedAt);
                return super.markRunning(id, workerId, startedAt);
            }
        };

        JobResult result = executor(racing).execute(job);

        assertThat(result.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(result.workerId()).isEqualTo("other-worker");
        assertThat(sandboxes.ran()).isEmpty();
        assertThat(results.published()).isEmpty();
    }
}
