package dev.kiff.core.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiff.core.failure.TransientFailure;
import dev.kiff.core.gateway.Artifact;
import dev.kiff.core.gateway.ArtifactInfo;
import dev.kiff.core.gateway.ArtifactStore;
import dev.kiff.core.job.Job;
import dev.kiff.core.job.JobFixtures;
import dev.kiff.core.job.JobResult;
import dev.kiff.core.job.JobStatus;
import dev.kiff.core.job.Timings;
import dev.kiff.core.port.JobRecord;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.port.SandboxRuntime;
import dev.kiff.core.sandbox.CapturedOutput;
import dev.kiff.core.sandbox.SandboxOutcome;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobExecutorTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:01Z");

    private final InMemoryJobs jobs = new InMemoryJobs();
    private final List<JobResult> published = new ArrayList<>();
    private final Map<UUID, List<Artifact>> artifacts = new HashMap<>();
    private final List<Job> ran = new ArrayList<>();
    private SandboxRuntime runtime = job -> {
        ran.add(job);
        return new SandboxOutcome(0, new CapturedOutput("45\n", false, 3), CapturedOutput.EMPTY, false, false, false,
                NOW, NOW.plusMillis(200), List.of(new Artifact("out.csv", new byte[] {1, 2})));
    };

    private JobExecutor executor() {
        ArtifactStore store = new ArtifactStore() {
            @Override
            public void save(UUID jobId, List<Artifact> list) {
                artifacts.put(jobId, list);
            }

            @Override
            public List<ArtifactInfo> list(UUID jobId) {
                return artifacts.getOrDefault(jobId, List.of()).stream().map(Artifact::info).toList();
            }

            @Override
            public Optional<Artifact> find(UUID jobId, String name) {
                return Optional.empty();
            }
        };
        return new JobExecutor(jobs, job -> runtime.run(job), published::add, store,
                Clock.fixed(NOW, ZoneOffset.UTC), "worker-1");
    }

    @Test
    void runsAQueuedJobStoresAndPublishesOneResult() {
        Job job = JobFixtures.job("print(sum(range(10)))");
        jobs.insertQueued(job, null);

        JobResult result = executor().execute(job);

        assertThat(result.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.stdout()).isEqualTo("45\n");
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(result.artifacts()).containsExactly(new ArtifactInfo("out.csv", 2));
        assertThat(result.timings().queueWaitMs()).isEqualTo(1000);
        assertThat(jobs.state(job).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(published).containsExactly(result);
        assertThat(artifacts).containsKey(job.id());
    }

    @Test
    void storesAJobThatArrivedWithoutTheApiBeforeRunningIt() {
        Job job = JobFixtures.job("print(1)");
        executor().execute(job);
        assertThat(jobs.state(job).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(ran).hasSize(1);
    }

    @Test
    void republishesButDoesNotRerunATerminalJob() {
        Job job = JobFixtures.job("print(1)");
        JobResult first = executor().execute(job);

        JobResult again = executor().execute(job);

        assertThat(ran).hasSize(1);
        assertThat(again).isEqualTo(first);
        assertThat(published).hasSize(2);
    }

    @Test
    void runsAgainAJobLeftRunningByADeadWorker() {
        Job job = JobFixtures.job("print(1)");
        jobs.insertQueued(job, null);
        jobs.markRunning(job.id(), "dead-worker", NOW);

        JobResult result = executor().execute(job);

        assertThat(result.attempts()).isEqualTo(2);
        assertThat(result.workerId()).isEqualTo("worker-1");
    }

    @Test
    void putsTheJobBackToQueuedOnAPlatformFailure() {
        Job job = JobFixtures.job("print(1)");
        runtime = j -> {
            throw new TransientFailure("docker away");
        };
        assertThatThrownBy(() -> executor().execute(job)).isInstanceOf(TransientFailure.class);
        assertThat(jobs.state(job).status()).isEqualTo(JobStatus.QUEUED);
        assertThat(published).isEmpty();
    }

    @Test
    void givingUpEndsInErrorWithTheReason() {
        Job job = JobFixtures.job("print(1)");
        JobResult result = executor().giveUp(job, "docker away");
        assertThat(result.status()).isEqualTo(JobStatus.ERROR);
        assertThat(result.message()).isEqualTo("docker away");
        assertThat(published).containsExactly(result);
    }

    @Test
    void publishesTheStoredEndingWhenAnotherActorEndedTheJobFirst() {
        Job job = JobFixtures.job("print(1)");
        runtime = j -> {
            jobs.cancel(j.id());
            return new SandboxOutcome(0, CapturedOutput.EMPTY, CapturedOutput.EMPTY, false, false, false, NOW, NOW,
                    List.of());
        };
        JobResult result = executor().execute(job);
        assertThat(result.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(published).extracting(JobResult::status).containsExactly(JobStatus.CANCELLED);
    }

    /** A JobRepository in memory, with the same conditional semantics as the database one. */
    private static final class InMemoryJobs implements JobRepository {

        private final Map<UUID, Job> submitted = new HashMap<>();
        private final Map<UUID, JobResult> states = new HashMap<>();

        JobResult state(Job job) {
            return states.get(job.id());
        }

        void cancel(UUID id) {
            JobResult s = states.get(id);
            states.put(id, with(s, s.status().cancel(), s.workerId(), s.attempts(), null));
        }

        @Override
        public boolean insertQueued(Job job, String requestHash) {
            if (states.containsKey(job.id())) {
                return false;
            }
            submitted.put(job.id(), job);
            states.put(job.id(), JobResult.queued(job));
            return true;
        }

        @Override
        public Optional<JobRecord> find(UUID id) {
            return Optional.ofNullable(states.get(id)).map(s -> new JobRecord(submitted.get(id), null, s));
        }

        @Override
        public OptionalInt markRunning(UUID id, String workerId, Instant startedAt) {
            JobResult s = states.get(id);
            if (s == null || s.status() != JobStatus.QUEUED) {
                return OptionalInt.empty();
            }
            states.put(id, with(s, s.status().start(), workerId, s.attempts() + 1, null));
            return OptionalInt.of(s.attempts() + 1);
        }

        @Override
        public boolean requeue(UUID id) {
            return move(id, JobStatus.RUNNING, JobStatus.QUEUED, null);
        }

        @Override
        public boolean complete(JobResult result) {
            JobResult s = states.get(result.id());
            if (s.status() != JobStatus.RUNNING || !result.workerId().equals(s.workerId())) {
                return false;
            }
            states.put(result.id(), result);
            return true;
        }

        @Override
        public boolean reject(UUID id, String reason, Instant at) {
            return move(id, JobStatus.QUEUED, JobStatus.REJECTED, reason);
        }

        @Override
        public boolean resubmit(UUID id, Instant at) {
            return move(id, JobStatus.REJECTED, JobStatus.QUEUED, null);
        }

        @Override
        public boolean fail(UUID id, String reason, Instant at) {
            return move(id, JobStatus.QUEUED, JobStatus.ERROR, reason);
        }

        private boolean move(UUID id, JobStatus from, JobStatus to, String message) {
            JobResult s = states.get(id);
            if (s == null || s.status() != from || !from.canMoveTo(to)) {
                return false;
            }
            states.put(id, with(s, to, to == JobStatus.QUEUED ? null : s.workerId(), s.attempts(), message));
            return true;
        }

        private static JobResult with(JobResult s, JobStatus status, String workerId, int attempts, String message) {
            return new JobResult(s.v(), s.id(), s.tenant(), s.vmType(), status, s.exitCode(), s.stdout(),
                    s.stdoutTruncated(), s.stderr(), s.stderrTruncated(), message, workerId, attempts,
                    new Timings(s.timings().queuedAt(), s.timings().startedAt(), s.timings().finishedAt(), null, null),
                    s.artifacts());
        }
    }
}
