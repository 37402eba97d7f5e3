package dev.kiff.core.exec;

import dev.kiff.model.failure.TransientFailure;
import dev.kiff.core.gateway.Artifact;
import dev.kiff.core.gateway.ArtifactStore;
import dev.kiff.model.job.Attempt;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.Timings;
import dev.kiff.core.output.LiveOutput;
import dev.kiff.core.output.OutputRecorder;
import dev.kiff.core.port.DeadLetterPublisher;
import dev.kiff.core.port.JobRecord;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.port.ResultPublisher;
import dev.kiff.core.port.SandboxRuntime;
import dev.kiff.core.sandbox.SandboxOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a job is run: takes a job delivered from its topic through RUNNING to exactly one stored and published
 * result. Delivery is at least once, so every step tolerates a job seen before: a job already terminal is not run
 * again, only its result announced again; a job RUNNING elsewhere under a live lease is not run a second time (the
 * caller asks again later), and one whose lease ran out (its worker died) is run again as a new attempt. Each call
 * says which of these it came to as an {@link Execution}.
 *
 * <p>The worker calls {@link #heartbeat()} every few seconds to renew the leases of the jobs it runs.
 */
public final class JobExecutor {

    private static final Logger log = LoggerFactory.getLogger(JobExecutor.class);

    private final JobRepository jobs;
    private final SandboxRuntime sandboxes;
    private final ResultPublisher results;
    private final ArtifactStore artifacts;
    private final LiveOutput output;
    private final DeadLetterPublisher deadLetters;
    private final Clock clock;
    private final String workerId;
    private final Duration lease;
    private final RunMetrics metrics;
    private final Set<UUID> running = ConcurrentHashMap.newKeySet();

    /**
     * @param lease how long a running job's heartbeat stays valid; the worker renews it well within that time
     */
    public JobExecutor(JobRepository jobs, SandboxRuntime sandboxes, ResultPublisher results, ArtifactStore artifacts,
            LiveOutput output, DeadLetterPublisher deadLetters, Clock clock, String workerId, Duration lease) {
        this(jobs, sandboxes, results, artifacts, output, deadLetters, clock, workerId, lease, RunMetrics.NONE);
    }

    /**
     * @param lease   how long a running job's heartbeat stays valid; the worker renews it well within that time
     * @param metrics hears of every run's end, retry, redelivery and dead letter
     */
    public JobExecutor(JobRepository jobs, SandboxRuntime sandboxes, ResultPublisher results, ArtifactStore artifacts,
            LiveOutput output, DeadLetterPublisher deadLetters, Clock clock, String workerId, Duration lease,
            RunMetrics metrics) {
        this.metrics = metrics;
        this.jobs = jobs;
        this.sandboxes = sandboxes;
        this.results = results;
        this.artifacts = artifacts;
        this.output = output;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.workerId = workerId;
        this.lease = lease;
    }

    /** Runs the job in the executor's own sandbox runtime: see {@link #execute(Job, SandboxRuntime)}. */
    public Execution execute(Job job) {
        return execute(job, sandboxes);
    }

    /**
     * Runs the job in {@code runtime} unless it already ended or runs elsewhere, stores and publishes the result.
     *
     * @return {@link Execution.Ended} with the job's result; {@link Execution.HeldElsewhere} when another live worker
     *         holds it (ask again once its lease may have run out); or {@link Execution.Requeued} when its code failed
     *         and it asked for another run (ask again after a back-off)
     * @throws TransientFailure when the platform could not run it or publish the result; a job that was started
     *                          is back in QUEUED, and the delivery should be retried
     */
    public Execution execute(Job job, SandboxRuntime runtime) {
        return execute(job, runtime, RunEnd.JOB);
    }

    /**
     * As {@link #execute(Job, SandboxRuntime)}, with what {@code end} adds to the run's end; when {@code end} does
     * not retry platform failures, such a failure ends the job ERROR ({@link #endUnrun}) instead of throwing.
     */
    public Execution execute(Job job, SandboxRuntime runtime, RunEnd end) {
        Instant startedAt = clock.instant();
        // The common case costs one round trip: the job waits QUEUED, as the API stored it.
        OptionalInt attempt = jobs.markRunning(job.id(), workerId, startedAt);
        if (attempt.isEmpty()) {
            Optional<Execution> settled = settle(job);
            if (settled.isPresent()) {
                return settled.get();
            }
            startedAt = clock.instant();
            attempt = jobs.markRunning(job.id(), workerId, startedAt);
            if (attempt.isEmpty()) {
                log.debug("Job(id={}) could not be started here: another actor moved it first", job.id());
                return current(job);
            }
        }
        int number = attempt.getAsInt();
        log.info("Job(id={}) started on worker {} (attempt {})", job.id(), workerId, number);
        SandboxOutcome outcome = null;
        RuntimeException failure = null;
        running.add(job.id());
        OutputRecorder recorder = output.open(job, number);
        try {
            outcome = runtime.run(job, recorder);
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            running.remove(job.id());
            // Every chunk is kept and announced before the result: a watcher sees all output, then the end.
            output.close(recorder);
        }
        if (failure != null) {
            if (!end.retriesPlatformFailures()) {
                return endUnrun(job, number, startedAt, "platform failure: " + failure.getMessage(), end);
            }
            // The code did not run to an outcome (the platform failed, or a bug of ours): the job may be tried again.
            jobs.requeue(job.id(), JobStatus.QUEUED, "platform failure: " + failure.getMessage(), clock.instant());
            metrics.platformFailed(job);
            throw failure;
        }
        if (outcome.startedAt() != null) {
            metrics.handedOver(job, Duration.between(startedAt, outcome.startedAt()));
        }
        Verdict verdict = OutcomeClassifier.classify(outcome, job.limits());
        if (job.retry().retries(verdict.status(), number)
                && jobs.requeue(job.id(), verdict.status(), "retried: " + describe(verdict, outcome), clock.instant())) {
            log.info("Job(id={}) attempt {} ended {}; it asked to be retried, {} of {} attempts used", job.id(),
                    number, verdict.status(), number, job.retry().maxAttempts());
            metrics.retried(job, verdict.status());
            return new Execution.Requeued(jobs.find(job.id()).map(JobRecord::state).orElseThrow());
        }
        JobResult result = end.amend(new JobResult(JobResult.VERSION, job.id(), job.tenant(), job.vmType(),
                verdict.status(), outcome.exitCode(), outcome.stdout().text(), outcome.stdout().truncated(),
                outcome.stderr().text(), outcome.stderr().truncated(), verdict.message(), workerId, number,
                Timings.of(job.submittedAt(), startedAt, outcome.finishedAt()), outcome.usage(),
                outcome.artifacts().stream().map(Artifact::info).toList(), null, List.of(), false));
        if (!outcome.artifacts().isEmpty()) {
            artifacts.save(job.id(), outcome.artifacts());
        }
        return finish(job, number, startedAt, result, end);
    }

    /** Stores the result unless another actor ended the job first, then publishes the stored one. */
    private Execution finish(Job job, int number, Instant startedAt, JobResult result, RunEnd end) {
        // Before the end is stored: whoever sees the job ended (a result, or the row) sees the caller's move too.
        end.ended(result);
        if (!jobs.complete(result)) {
            log.debug("Job(id={}) finished {} but another actor ended it first", job.id(), result.status());
            return current(job);
        }
        log.info("Job(id={}) ended {} in {} ms", job.id(), result.status(), result.timings().runTimeMs());
        metrics.ended(result);
        // The stored result, with its batch and every attempt: what the API answers and webhooks send. A first run
        // is its only attempt, known here; later runs read the earlier ones back.
        JobResult stored = number == 1
                ? result.with(job.batchId(), List.of(new Attempt(1, workerId, startedAt,
                        result.timings().finishedAt(), result.status(), result.message())), false)
                : jobs.find(job.id()).map(JobRecord::state).orElse(result);
        results.publish(stored);
        return new Execution.Ended(stored);
    }

    /**
     * Ends a started run ERROR without running it again: the platform failed under it (its sandbox broke) and it
     * must not be retried elsewhere, as a session's run would find none of its session's state there. Its result is
     * stored and published, nothing is dead-lettered.
     */
    private Execution endUnrun(Job job, int number, Instant startedAt, String reason, RunEnd end) {
        log.warn("Job(id={}) ends ERROR without another try: {}", job.id(), reason);
        JobResult result = end.amend(new JobResult(JobResult.VERSION, job.id(), job.tenant(), job.vmType(),
                JobStatus.ERROR, null, null, false, null, false, reason, workerId, number,
                Timings.of(job.submittedAt(), startedAt, clock.instant()), null, List.of(), null, List.of(), false));
        return finish(job, number, startedAt, result, end);
    }

    private static String describe(Verdict verdict, SandboxOutcome outcome) {
        return verdict.message() != null ? verdict.message() : "exit code " + outcome.exitCode();
    }

    /**
     * The platform gives up on a job it could not run (its attempts are used up, or its record could not be
     * handled): it ends in ERROR with {@code reason}, is dead-lettered with every attempt's reason, and that result
     * is published. A job that ended meanwhile keeps its result.
     */
    public JobResult giveUp(Job job, String reason) {
        JobRecord record = findOrInsert(job);
        if (record.state().status() == JobStatus.RUNNING) {
            jobs.requeue(job.id(), JobStatus.QUEUED, reason, clock.instant());
        }
        return deadLetter(job, reason, DeadLetterReason.PLATFORM_FAILURE).state();
    }

    private Execution deadLetter(Job job, String reason, DeadLetterReason kind) {
        if (jobs.deadLetter(job.id(), reason, clock.instant())) {
            JobResult ended = jobs.find(job.id()).map(JobRecord::state).orElseThrow();
            log.error("Job(id={}) dead-lettered after {} attempts: {}", job.id(), ended.attempts(), reason);
            deadLetters.deadLetter(job, reason, ended.attemptHistory());
            metrics.deadLettered(job, kind);
        }
        return current(job);
    }

    /**
     * A job that was not QUEUED: stored first if it came straight from Kafka; answered (and not run) if it ended or
     * runs elsewhere under a live lease; made QUEUED again if its last run was abandoned. Empty: go on and start it.
     */
    private Optional<Execution> settle(Job job) {
        JobRecord record = findOrInsert(job);
        JobStatus status = record.state().status();
        if (status == JobStatus.QUEUED && !job.retry().allowsAttempt(record.state().attempts() + 1)) {
            return Optional.of(deadLetter(job, lastReason(record.state()), DeadLetterReason.ATTEMPTS_EXHAUSTED));
        }
        if (status.isTerminal()) {
            log.info("Job(id={}) was delivered again after it ended {}; publishing its result again",
                    job.id(), status);
            metrics.redelivered(job, RunMetrics.Redelivery.ENDED);
            results.publish(record.state());
            return Optional.of(new Execution.Ended(record.state()));
        }
        if (status == JobStatus.RUNNING) {
            // A job this worker's name holds but does not run is an attempt of an earlier life of this worker (a
            // restart under the same name): abandoned, whatever its lease says.
            boolean ours = workerId.equals(record.state().workerId()) && !running.contains(job.id());
            // Every heartbeat is older than now + lease; a stored timestamp, unlike Instant.MAX, fits any column.
            Instant staleBefore = ours ? clock.instant().plus(lease) : clock.instant().minus(lease);
            String reason = "worker " + record.state().workerId() + " abandoned the run ("
                    + (ours ? "it restarted" : "its lease ran out") + ")";
            if (!jobs.requeueAbandoned(job.id(), staleBefore, reason, clock.instant())) {
                log.info("Job(id={}) is running on worker {} under a live lease; not running it twice",
                        job.id(), record.state().workerId());
                JobResult held = jobs.find(job.id()).map(JobRecord::state).orElseThrow();
                return Optional.of(new Execution.HeldElsewhere(held));
            }
            log.warn("Job(id={}) was abandoned RUNNING by worker {} ({}); running it again", job.id(),
                    record.state().workerId(), ours ? "an earlier run of this worker" : "its lease ran out");
            metrics.redelivered(job, RunMetrics.Redelivery.ABANDONED);
            JobResult requeued = jobs.find(job.id()).map(JobRecord::state).orElseThrow();
            if (!job.retry().allowsAttempt(requeued.attempts() + 1)) {
                return Optional.of(deadLetter(job, reason, DeadLetterReason.ABANDONED));
            }
        }
        return Optional.empty();
    }

    private static String lastReason(JobResult state) {
        return state.attemptHistory().isEmpty() ? "no attempt left"
                : "no attempt left; the last one: " + state.attemptHistory().get(state.attemptHistory().size() - 1)
                        .reason();
    }

    /** Renews the lease of every job running here. Called by the worker every few seconds. */
    public void heartbeat() {
        Set<UUID> ids = Set.copyOf(running);
        if (!ids.isEmpty()) {
            jobs.heartbeat(workerId, ids, clock.instant());
        }
    }

    /** How many jobs run here now. */
    public int runningCount() {
        return running.size();
    }

    private JobRecord findOrInsert(Job job) {
        return jobs.find(job.id()).orElseGet(() -> {
            // Published straight to Kafka by an agent: it becomes visible through the API from here on.
            if (jobs.insertQueued(job, null)) {
                log.info("Job(id={}) arrived from Kafka without the API; stored as QUEUED", job.id());
            }
            return jobs.find(job.id()).orElseThrow(
                    () -> new IllegalStateException("Job(id=" + job.id() + ") vanished right after insert"));
        });
    }

    /**
     * Where a job stands after another actor moved it while this call looked at it: ended (its result is published
     * again, as for a redelivery), back in QUEUED, or RUNNING on another worker.
     */
    private Execution current(Job job) {
        JobResult state = jobs.find(job.id()).map(JobRecord::state).orElseThrow();
        if (state.status().isTerminal()) {
            results.publish(state);
            return new Execution.Ended(state);
        }
        return state.status() == JobStatus.QUEUED ? new Execution.Requeued(state) : new Execution.HeldElsewhere(state);
    }
}
