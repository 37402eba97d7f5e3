package dev.kiff.api;

import dev.kiff.core.exec.Execution;
import dev.kiff.core.exec.JobExecutor;
import dev.kiff.model.failure.TransientFailure;
import dev.kiff.core.gateway.Artifact;
import dev.kiff.model.job.ArtifactInfo;
import dev.kiff.model.job.DisplayItem;
import dev.kiff.core.gateway.ArtifactStore;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.ResourceUsage;
import dev.kiff.model.job.Timings;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.output.LiveOutput;
import dev.kiff.core.output.LogStore;
import dev.kiff.core.port.DeadLetterPublisher;
import dev.kiff.core.port.JobRecord;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.port.SandboxRuntime;
import dev.kiff.core.sandbox.CapturedOutput;
import dev.kiff.core.sandbox.OutputListener;
import dev.kiff.core.sandbox.SandboxOutcome;
import dev.kiff.spring.KafkaLogPublisher;
import dev.kiff.spring.KafkaResultPublisher;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Moves jobs as a worker does, through the worker's own {@link JobExecutor} on the real database and broker: it takes
 * the job (RUNNING, as a new attempt), streams its output through {@link LiveOutput} (kept in the log store, then
 * announced on {@code kiff.logs}), stores its result and publishes it on {@code kiff.results}, and every other step the
 * executor takes (a job cancelled meanwhile, a retry, a redelivery of an ended job). Only the sandbox is a stand-in:
 * each run is a {@link Run} that lasts until the test ends it, and what the test writes is the run's output.
 */
final class StandInWorker {

    /** Long enough that no run of a test is taken for abandoned. */
    private static final Duration LEASE = Duration.ofMinutes(10);
    /**
     * Deliveries of a record {@link #runQuietly} makes before it gives up on a job whose delivery keeps failing
     * transiently; each waits up to the producer's timeout for the broker, enough to see a broker restart through.
     */
    private static final int REDELIVERIES = 10;

    private final JobRepository jobs;
    private final LiveOutput output;
    private final KafkaResultPublisher results;
    private final JobExecutor executor;
    private final Clock clock;
    private final String workerId;
    /** A thread per run: the executor waits in the stand-in sandbox until the test ends the run. */
    private final Executor runs = task -> {
        Thread thread = new Thread(task, "stand-in-run");
        thread.setDaemon(true);
        thread.start();
    };

    StandInWorker(JobRepository jobs, LogStore logs, KafkaTemplate<String, byte[]> kafka, JobCodec codec,
            Clock clock) {
        this(jobs, logs, kafka, codec, clock, 1 << 20);
    }

    /** @param capBytes the most output of one run the live output records, as the worker's setting */
    StandInWorker(JobRepository jobs, LogStore logs, KafkaTemplate<String, byte[]> kafka, JobCodec codec,
            Clock clock, long capBytes) {
        this.jobs = jobs;
        this.output = new LiveOutput(logs, new KafkaLogPublisher(kafka, codec), clock, 16384, capBytes);
        this.results = new KafkaResultPublisher(kafka, codec, Duration.ofSeconds(10));
        this.clock = clock;
        this.workerId = "stand-in-" + UUID.randomUUID().toString().substring(0, 8);
        this.executor = new JobExecutor(jobs, (job, listener) -> {
            throw new IllegalStateException("Job(id=" + job.id() + ") ran without a stand-in sandbox");
        }, results, NO_ARTIFACTS, output, NO_DEAD_LETTERS, clock, workerId, LEASE);
    }

    String workerId() {
        return workerId;
    }

    Run start(String id) {
        return start(UUID.fromString(id));
    }

    /**
     * Hands the queued job to the executor, which starts its run in a stand-in sandbox: RUNNING, and the run's start
     * kept and announced (chunk 0). Answers once the run has started.
     *
     * @throws IllegalStateException when the executor did not run it (not QUEUED, or out of attempts)
     */
    Run start(UUID id) {
        Job job = jobs.find(id).map(JobRecord::job).orElseThrow();
        Run run = new Run(job);
        run.execution = CompletableFuture.supplyAsync(() -> executor.execute(job, run), runs);
        CompletableFuture.anyOf(run.started, run.execution).exceptionally(failure -> null).join();
        if (!run.started.isDone()) {
            throw new IllegalStateException("Job(id=" + id + ") was not started: " + run.execution.join());
        }
        // A worker's first output tick (every 150 ms) sends the run's start even when the code is silent.
        output.tick();
        return run;
    }

    /** Runs a job start to end: started, {@code stdout} written as one chunk, SUCCEEDED with exit code 0. */
    JobResult runToSuccess(String id, String stdout) {
        Run run = start(id);
        if (!stdout.isEmpty()) {
            run.stdout(stdout);
        }
        return run.succeed();
    }

    /**
     * Hands a job to the executor as a worker taking its record does, and lets its code exit 0 at once with no
     * output: for tests that move many jobs. A job that is not QUEUED is not run again (a second record of a job
     * that ended only announces its result again).
     *
     * @return whether this call ran the job
     */
    boolean runQuietly(UUID id) {
        return runQuietly(id, () -> { });
    }

    /**
     * As {@link #runQuietly(UUID)}, with {@code sandboxEnded} run when the stand-in sandbox ends, before the executor
     * stores and publishes the result (where a session's worker moves the session IDLE).
     */
    boolean runQuietly(UUID id, Runnable sandboxEnded) {
        Job job = jobs.find(id).map(JobRecord::job).orElseThrow();
        boolean[] ran = new boolean[1];
        for (int delivery = 1; ; delivery++) {
            try {
                executor.execute(job, (running, listener) -> {
                    ran[0] = true;
                    Instant now = clock.instant();
                    sandboxEnded.run();
                    return outcome(0, "", "", now, now);
                });
                return ran[0];
            } catch (TransientFailure e) {
                // The record is handed over again, as a worker's listener container does (the executor asks for it):
                // a result the broker did not take while it was away is announced again by the next delivery.
                if (delivery == REDELIVERIES) {
                    throw e;
                }
            }
        }
    }

    /**
     * Ends a session's run as the session's worker does once its interpreter answered, display items included (the
     * executor's sandbox outcome has none yet): RUNNING, {@code sandboxEnded}, then SUCCEEDED (or FAILED with
     * {@code stderr} when {@code exitCode} is not 0) with {@code stdout}, {@code display} and {@code files}, which
     * become the run's artifacts in {@code store}; stored, then published.
     */
    JobResult endInSession(UUID id, UUID session, Runnable sandboxEnded, int exitCode, String stdout, String stderr,
            List<DisplayItem> display, List<Artifact> files, ArtifactStore store) {
        Job job = jobs.find(id).map(JobRecord::job).orElseThrow();
        Instant startedAt = clock.instant();
        int attempt = jobs.markRunning(id, workerId, startedAt).orElseThrow();
        sandboxEnded.run();
        if (!files.isEmpty()) {
            store.save(id, files);
        }
        JobResult result = new JobResult(JobResult.VERSION, id, job.tenant(), job.vmType(),
                exitCode == 0 ? JobStatus.SUCCEEDED : JobStatus.FAILED, exitCode, stdout, false, stderr, false, null,
                workerId, attempt, Timings.of(job.submittedAt(), startedAt, clock.instant()), ResourceUsage.UNKNOWN,
                files.stream().map(Artifact::info).toList(), null, List.of(), false).inSession(session, display);
        jobs.complete(result);
        JobResult stored = jobs.find(id).map(JobRecord::state).orElseThrow();
        results.publish(stored);
        return stored;
    }

    /** Publishes the job's stored state on {@code kiff.results} again, as a worker's retried publish would. */
    void publishAgain(UUID id) {
        results.publish(jobs.find(id).map(JobRecord::state).orElseThrow());
    }

    private static SandboxOutcome outcome(int exitCode, String stdout, String stderr, Instant startedAt,
            Instant finishedAt) {
        return new SandboxOutcome(exitCode, captured(stdout), captured(stderr), false, false, false, startedAt,
                finishedAt, List.of(), ResourceUsage.UNKNOWN);
    }

    private static CapturedOutput captured(String text) {
        return new CapturedOutput(text, false, text.getBytes(StandardCharsets.UTF_8).length);
    }

    /**
     * One run of a job in the stand-in sandbox: the executor waits in {@link #run} until the test ends it with an
     * exit code, or gives it up as the platform failing.
     */
    final class Run implements SandboxRuntime {
        private final Job job;
        private final CompletableFuture<OutputListener> started = new CompletableFuture<>();
        private final CompletableFuture<SandboxOutcome> ended = new CompletableFuture<>();
        private final StringBuilder stdout = new StringBuilder();
        private final StringBuilder stderr = new StringBuilder();
        private CompletableFuture<Execution> execution;
        private Instant startedAt;

        private Run(Job job) {
            this.job = job;
        }

        @Override
        public SandboxOutcome run(Job running, OutputListener listener) {
            startedAt = clock.instant();
            started.complete(listener);
            try {
                return ended.join();
            } catch (CompletionException e) {
                throw (RuntimeException) e.getCause();
            }
        }

        UUID id() {
            return job.id();
        }

        /** The code writes {@code text} to stdout; it is flushed at once, so it becomes one chunk of its own. */
        Run stdout(String text) {
            return write(false, text);
        }

        Run stderr(String text) {
            return write(true, text);
        }

        /** Writes without flushing: consecutive writes to one stream then become one chunk. */
        Run writeUnflushed(boolean toStderr, byte[] bytes) {
            (toStderr ? stderr : stdout).append(new String(bytes, StandardCharsets.UTF_8));
            started.join().output(toStderr, bytes);
            return this;
        }

        /** Flushes the output, as the worker's output tick does. */
        Run flush() {
            output.tick();
            return this;
        }

        private Run write(boolean toStderr, String text) {
            return writeUnflushed(toStderr, text.getBytes(StandardCharsets.UTF_8)).flush();
        }

        JobResult succeed() {
            return exit(0);
        }

        /**
         * The code exits with {@code code}: the executor judges the run, stores the result (unless the job ended
         * meanwhile, when the stored one stands) and publishes it. Answers the job's stored state then.
         */
        JobResult exit(int code) {
            ended.complete(outcome(code, stdout.toString(), stderr.toString(), startedAt, clock.instant()));
            return execution.join().state();
        }

        /**
         * The platform gives this run up (Docker failed): the executor puts the job back in QUEUED for another run,
         * the run recorded as a platform failure for {@code reason}.
         *
         * @return whether the job is QUEUED again
         */
        boolean giveUp(String reason) {
            ended.completeExceptionally(new TransientFailure(reason));
            try {
                execution.join();
                return false;
            } catch (CompletionException expected) {
                return jobs.find(job.id()).map(JobRecord::state).map(JobResult::status)
                        .filter(status -> status == JobStatus.QUEUED).isPresent();
            }
        }
    }

    /** A stand-in run keeps no artifacts. */
    private static final ArtifactStore NO_ARTIFACTS = new ArtifactStore() {
        @Override
        public void save(UUID jobId, List<Artifact> artifacts) {
            throw new IllegalStateException("a stand-in run keeps no artifacts");
        }

        @Override
        public List<ArtifactInfo> list(UUID jobId) {
            return List.of();
        }

        @Override
        public Optional<Artifact> find(UUID jobId, String name) {
            return Optional.empty();
        }
    };

    /** A stand-in run never uses up a job's attempts: dead-lettering one would be a fault of the test. */
    private static final DeadLetterPublisher NO_DEAD_LETTERS = (job, reason, attempts) -> {
        throw new IllegalStateException("Job(id=" + job.id() + ") dead-lettered by the stand-in worker: " + reason);
    };
}
