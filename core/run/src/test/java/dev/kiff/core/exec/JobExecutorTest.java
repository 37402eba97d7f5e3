package dev.kiff.core.exec;

import static dev.kiff.core.sandbox.Outcomes.exit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.DisplayItem;
import dev.kiff.model.job.ArtifactInfo;
import dev.kiff.core.gateway.InMemoryArtifactStore;
import dev.kiff.model.job.Attempt;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.core.job.Jobs;
import dev.kiff.model.job.ResourceUsage;
import dev.kiff.model.job.RetryPolicy;
import dev.kiff.core.output.InMemoryLogStore;
import dev.kiff.core.output.LiveOutput;
import dev.kiff.core.port.DeadLetterPublisher;
import dev.kiff.core.port.InMemoryJobRepository;
import dev.kiff.core.port.RecordingResultPublisher;
import dev.kiff.core.port.ScriptedSandboxRuntime;
import dev.kiff.core.sandbox.Outcomes;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
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
    private final InMemoryLogStore logs = new InMemoryLogStore();
    private final LiveOutput output = new LiveOutput(logs, chunks -> { }, Clock.fixed(NOW, ZoneOffset.UTC), 1024,
            1 << 20);
    private final List<String> deadLettered = new ArrayList<>();
    private final List<List<Attempt>> deadLetteredAttempts = new ArrayList<>();
    private final DeadLetterPublisher deadLetters = (dead, reason, attempts) -> {
        deadLettered.add(reason);
        deadLetteredAttempts.add(attempts);
    };

    private JobExecutor executor() {
        return executor(jobs);
    }

    private JobExecutor executor(InMemoryJobRepository repository) {
        return new JobExecutor(repository, sandboxes, results, artifacts, output, deadLetters,
                Clock.fixed(NOW, ZoneOffset.UTC), WORKER, java.time.Duration.ofSeconds(30));
    }

    @Test
    void runsAQueuedJobToSucceededStoresItAndPublishesItOnce() {
        jobs.insertQueued(job, "hash");
        sandboxes.thenReturn(exit(0).stdout("45\n").artifact("out.csv", new byte[] {1, 2}).build());

        JobResult result = ended(executor().execute(job));

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
    void storesAndPublishesWhatTheRunUsed() {
        ResourceUsage used = new ResourceUsage(120L, 18L, 3L, 2, 4096L);
        sandboxes.thenReturn(exit(0).stdout("45\n").used(used).build());

        JobResult result = ended(executor().execute(job));

        assertThat(result.usage()).isEqualTo(used);
        assertThat(jobs.state(job.id()).usage()).isEqualTo(used);
        assertThat(results.published()).extracting(JobResult::usage).containsExactly(used);
    }

    @Test
    void aRetriedJobsResultCarriesWhatItsLastRunUsed() {
        Job retried = Jobs.job().retry(new RetryPolicy(2, true)).build();
        ResourceUsage firstRun = new ResourceUsage(900L, 64L, 10L, 0, 0L);
        ResourceUsage lastRun = new ResourceUsage(40L, 12L, 3L, null, null);
        sandboxes.thenReturn(exit(1).used(firstRun).build()).thenReturn(exit(0).used(lastRun).build());

        JobResult first = requeued(executor().execute(retried));
        JobResult second = ended(executor().execute(retried));

        assertThat(first.usage()).as("a requeued job has no result yet").isNull();
        assertThat(second.usage()).isEqualTo(lastRun);
        assertThat(jobs.state(retried.id()).usage()).isEqualTo(lastRun);
        assertThat(results.published()).extracting(JobResult::usage).containsExactly(lastRun);
    }

    @Test
    void aRunThatMeasuredNothingHasNoUsage() {
        sandboxes.thenReturn(exit(0).used(ResourceUsage.UNKNOWN).build());

        JobResult result = ended(executor().execute(job));

        assertThat(result.usage()).isNull();
        assertThat(results.published()).extracting(JobResult::usage).containsExactly((ResourceUsage) null);
    }

    @Test
    void judgesTheRunByItsOutcome() {
        sandboxes.thenReturn(exit(137).timedOut().oomKilled().build());

        JobResult result = ended(executor().execute(job));

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

        JobResult result = ended(executor().execute(job));

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
        JobResult first = ended(executor().execute(job));

        JobResult again = ended(executor().execute(job));

        assertThat(sandboxes.ran()).hasSize(1);
        assertThat(again).isEqualTo(first);
        assertThat(results.published()).containsExactly(first, first);
    }

    @Test
    void doesNotRunAJobCancelledBeforeItWasDeliveredButPublishesTheCancellation() {
        jobs.insertQueued(job, null);
        jobs.cancel(job.id(), "cancelled by the client", NOW);

        JobResult result = ended(executor().execute(job));

        assertThat(sandboxes.ran()).isEmpty();
        assertThat(result.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(results.published()).containsExactly(result);
    }

    @Test
    void requeuesAJobLeftRunningAndRunsItAgainAsTheSecondAttempt() {
        jobs.insertQueued(job, null);
        jobs.markRunning(job.id(), "dead-worker", NOW.minusSeconds(600));
        sandboxes.thenReturn(exit(0).build());

        JobResult result = ended(executor().execute(job));

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

        JobResult result = heldElsewhere(executor().execute(job));

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

        JobResult result = ended(executor().execute(job));

        assertThat(sandboxes.ran()).containsExactly(job);
        assertThat(result.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.attempts()).isEqualTo(2);
    }

    @Test
    void aHeartbeatKeepsTheLeaseOfAJobRunningLongerThanTheLease() {
        jobs.insertQueued(job, null);
        jobs.markRunning(job.id(), "live-worker", NOW.minusSeconds(600));
        jobs.heartbeat("live-worker", java.util.List.of(job.id()), NOW.minusSeconds(5));

        JobResult result = heldElsewhere(executor().execute(job));

        assertThat(result.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(sandboxes.ran()).isEmpty();
    }

    @Test
    void renewsTheLeasesOfTheJobsItRuns() {
        jobs.insertQueued(job, null);
        JobExecutor[] executor = new JobExecutor[1];
        int[] runningMeanwhile = new int[1];
        executor[0] = new JobExecutor(jobs, (running, out) -> {
            runningMeanwhile[0] = executor[0].runningCount();
            executor[0].heartbeat();
            return exit(0).build();
        }, results, artifacts, output, deadLetters, Clock.fixed(NOW.plusSeconds(20), ZoneOffset.UTC), WORKER,
                java.time.Duration.ofSeconds(30));

        executor[0].execute(job);

        assertThat(runningMeanwhile[0]).isEqualTo(1);
        assertThat(jobs.heartbeatOf(job.id())).isEqualTo(NOW.plusSeconds(20));
        assertThat(executor[0].runningCount()).isZero();
    }

    @Test
    void aRunThatMustNotBeRetriedEndsErrorOnAPlatformFailureAndIsNeverRequeued() {
        jobs.insertQueued(job, "hash");
        sandboxes.thenThrow(new TransientFailure("the session's sandbox is gone"));
        List<String> order = new ArrayList<>();
        RunEnd once = new RunEnd() {
            @Override
            public boolean retriesPlatformFailures() {
                return false;
            }

            @Override
            public void ended(JobResult result) {
                order.add("moved " + result.status() + "; stored " + jobs.state(job.id()).status() + ", published "
                        + results.published().size());
            }
        };

        JobResult result = ended(executor().execute(job, sandboxes, once));

        assertThat(result.status()).isEqualTo(JobStatus.ERROR);
        assertThat(result.message()).isEqualTo("platform failure: the session's sandbox is gone");
        assertThat(jobs.state(job.id()).status()).isEqualTo(JobStatus.ERROR);
        assertThat(results.published()).extracting(JobResult::status).containsExactly(JobStatus.ERROR);
        assertThat(deadLettered).isEmpty();
        assertThat(order).as("the caller moves before the end is stored or published")
                .containsExactly("moved ERROR; stored RUNNING, published 0");
    }

    @Test
    void aRunEndAmendsTheResultBeforeItIsStored() {
        UUID session = UUID.randomUUID();
        sandboxes.thenReturn(exit(0).build());
        RunEnd display = new RunEnd() {
            @Override
            public JobResult amend(JobResult result) {
                return result.inSession(session, List.of(new DisplayItem("text/plain", "42", null, 2)));
            }
        };

        JobResult result = ended(executor().execute(job, sandboxes, display));

        assertThat(result.sessionId()).isEqualTo(session);
        assertThat(jobs.state(job.id()).display()).extracting(DisplayItem::text).containsExactly("42");
        assertThat(results.published()).extracting(JobResult::sessionId).containsExactly(session);
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

        JobResult result = ended(executor().execute(job));

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

        assertThat(executor().execute(job)).isEqualTo(new Execution.Ended(stored));
        assertThat(sandboxes.ran()).hasSize(1);
        assertThat(results.published()).containsExactly(stored);
    }

    @Test
    void givingUpDeadLettersTheJobInErrorWithTheReasonAndPublishesIt() {
        jobs.insertQueued(job, null);

        JobResult result = executor().giveUp(job, "docker away after 5 attempts");

        assertThat(result.status()).isEqualTo(JobStatus.ERROR);
        assertThat(result.deadLettered()).isTrue();
        assertThat(result.message()).endsWith("docker away after 5 attempts");
        assertThat(deadLettered).containsExactly("docker away after 5 attempts");
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
        assertThat(result.message()).endsWith("docker away");
        assertThat(result.attemptHistory()).singleElement()
                .satisfies(run -> assertThat(run.reason()).isEqualTo("docker away"));
        assertThat(results.published()).containsExactly(result);
    }

    @Test
    void givingUpOnAJobThatEndedMeanwhileKeepsAndRepublishesItsResult() {
        sandboxes.thenReturn(exit(0).build());
        JobResult succeeded = ended(executor().execute(job));

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

        JobResult result = ended(executor().execute(job));

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

        JobResult result = heldElsewhere(executor(racing).execute(job));

        assertThat(result.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(result.workerId()).isEqualTo("other-worker");
        assertThat(sandboxes.ran()).isEmpty();
        assertThat(results.published()).isEmpty();
    }

    @Test
    void retriesAFailedRunWhenTheJobAsks() {
        Job retried = Jobs.job().retry(new RetryPolicy(2, true)).build();
        sandboxes.thenReturn(exit(1).build()).thenReturn(exit(0).build());

        JobResult first = requeued(executor().execute(retried));

        assertThat(first.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(first.attempts()).isEqualTo(1);
        assertThat(results.published()).isEmpty();

        JobResult second = ended(executor().execute(retried));

        assertThat(second.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(second.attempts()).isEqualTo(2);
        assertThat(second.attemptHistory()).extracting(Attempt::attempt, Attempt::status).containsExactly(
                tuple(1, JobStatus.FAILED),
                tuple(2, JobStatus.SUCCEEDED));
        assertThat(second.attemptHistory().get(0).reason()).isEqualTo("retried: exited with code 1");
        assertThat(sandboxes.ran()).containsExactly(retried, retried);
        assertThat(results.published()).containsExactly(second);
    }

    @Test
    void theLastAttemptAJobAllowsEndsItEvenWhenItFailed() {
        Job retried = Jobs.job().retry(new RetryPolicy(2, true)).build();
        sandboxes.thenReturn(exit(1).build()).thenReturn(exit(2).build());
        requeued(executor().execute(retried));

        JobResult result = ended(executor().execute(retried));

        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        assertThat(result.message()).isEqualTo("exited with code 2");
        assertThat(result.attemptHistory()).hasSize(2);
        assertThat(result.attemptHistory().get(0).reason()).startsWith("retried:");
        assertThat(result.attemptHistory().get(1).status()).isEqualTo(JobStatus.FAILED);
        assertThat(results.published()).containsExactly(result);
    }

    @Test
    void doesNotRetryAFailedRunUnderTheDefaultPolicy() {
        sandboxes.thenReturn(exit(1).build());

        JobResult result = ended(executor().execute(job));

        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(results.published()).containsExactly(result);
    }

    @Test
    void deadLettersAQueuedJobWhoseAttemptsAreUsedUpInsteadOfRunningIt() {
        Job twice = Jobs.job().retry(new RetryPolicy(2, false)).build();
        sandboxes.thenThrow(new TransientFailure("docker away")).thenThrow(new TransientFailure("docker away"));
        assertThatThrownBy(() -> executor().execute(twice)).isInstanceOf(TransientFailure.class);
        assertThatThrownBy(() -> executor().execute(twice)).isInstanceOf(TransientFailure.class);

        JobResult result = ended(executor().execute(twice));

        assertThat(sandboxes.ran()).hasSize(2);
        assertThat(result.status()).isEqualTo(JobStatus.ERROR);
        assertThat(result.deadLettered()).isTrue();
        assertThat(result.message()).endsWith("platform failure: docker away");
        assertThat(jobs.state(twice.id())).isEqualTo(result);
        assertThat(results.published()).containsExactly(result);
        assertThat(deadLettered).singleElement().asString().contains("no attempt left");
        assertThat(deadLetteredAttempts).singleElement().satisfies(attempts -> assertThat(attempts)
                .extracting(Attempt::attempt, Attempt::reason).containsExactly(
                        tuple(1, "platform failure: docker away"),
                        tuple(2, "platform failure: docker away")));
    }

    @Test
    void deadLettersAJobAbandonedOnItsLastAllowedAttemptInsteadOfRunningItAgain() {
        Job once = Jobs.job().retry(new RetryPolicy(1, false)).build();
        jobs.insertQueued(once, null);
        jobs.markRunning(once.id(), "dead-worker", NOW.minusSeconds(600));

        JobResult result = ended(executor().execute(once));

        assertThat(sandboxes.ran()).isEmpty();
        assertThat(result.status()).isEqualTo(JobStatus.ERROR);
        assertThat(result.deadLettered()).isTrue();
        assertThat(deadLettered).containsExactly("worker dead-worker abandoned the run (its lease ran out)");
        assertThat(deadLetteredAttempts).singleElement().satisfies(attempts -> assertThat(attempts)
                .extracting(Attempt::workerId).containsExactly("dead-worker"));
        assertThat(results.published()).containsExactly(result);
    }

    /** The result of an execution that ended the job; fails the test on any other. */
    private static JobResult ended(Execution execution) {
        assertThat(execution).isInstanceOf(Execution.Ended.class);
        return execution.state();
    }

    /** The job's state when the execution found it held by another worker; fails the test on any other. */
    private static JobResult heldElsewhere(Execution execution) {
        assertThat(execution).isInstanceOf(Execution.HeldElsewhere.class);
        return execution.state();
    }

    /** The job's state when the execution put it back in the queue; fails the test on any other. */
    @Test
    void tellsItsMetricsOfEveryEndRetryRedeliveryAndDeadLetter() {
        List<String> heard = new ArrayList<>();
        RunMetrics metrics = new RunMetrics() {
            @Override
            public void ended(JobResult result) {
                heard.add("ended " + result.status() + " after " + result.timings().queueWaitMs() + " ms");
            }

            @Override
            public void handedOver(Job started, java.time.Duration toCode) {
                heard.add("handed over");
            }

            @Override
            public void retried(Job retried, JobStatus status) {
                heard.add("retried " + status);
            }

            @Override
            public void redelivered(Job again, Redelivery kind) {
                heard.add("redelivered " + kind.label());
            }

            @Override
            public void deadLettered(Job dead, DeadLetterReason kind) {
                heard.add("dead-lettered " + kind.label());
            }
        };
        JobExecutor executor = new JobExecutor(jobs, sandboxes, results, artifacts, output, deadLetters,
                Clock.fixed(NOW, ZoneOffset.UTC), WORKER, java.time.Duration.ofSeconds(30), metrics);
        Job retried = Jobs.job().retry(new RetryPolicy(2, true)).build();
        sandboxes.thenReturn(exit(1).build()).thenReturn(exit(0).build());
        Job givenUp = Jobs.job("print(2)").build();
        jobs.insertQueued(givenUp, null);

        executor.execute(retried);
        executor.execute(retried);
        executor.execute(retried);
        executor.giveUp(givenUp, "docker away after 5 attempts: " + UUID.randomUUID());

        assertThat(heard).containsExactly("handed over", "retried FAILED", "handed over",
                "ended SUCCEEDED after 1000 ms", "redelivered ended",
                "dead-lettered platform-failure");
    }

    private static JobResult requeued(Execution execution) {
        assertThat(execution).isInstanceOf(Execution.Requeued.class);
        return execution.state();
    }
}
