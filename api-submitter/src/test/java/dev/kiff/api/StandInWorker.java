package dev.kiff.api;

import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.Timings;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.output.LiveOutput;
import dev.kiff.core.output.LogStore;
import dev.kiff.core.output.OutputRecorder;
import dev.kiff.core.port.JobRecord;
import dev.kiff.core.port.JobRepository;
import dev.kiff.spring.KafkaLogPublisher;
import dev.kiff.spring.KafkaResultPublisher;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Moves jobs as a worker does, with the platform's own classes on the real database and broker: takes a job
 * ({@link JobRepository#markRunning}), streams its output through {@link LiveOutput} (kept in the log store, then
 * announced on {@code kiff.logs}), stores its result and publishes it on {@code kiff.results}. No sandbox runs: the
 * test says what the "code" wrote and how it ended.
 */
final class StandInWorker {

    private final JobRepository jobs;
    private final LiveOutput output;
    private final KafkaResultPublisher results;
    private final Clock clock;
    private final String workerId;

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
    }

    String workerId() {
        return workerId;
    }

    Run start(String id) {
        return start(UUID.fromString(id));
    }

    /** Takes the queued job and starts its run: RUNNING, and the run's start kept and announced (chunk 0). */
    Run start(UUID id) {
        OptionalInt attempt = jobs.markRunning(id, workerId, clock.instant());
        if (attempt.isEmpty()) {
            throw new IllegalStateException("Job(id=" + id + ") could not be started: not QUEUED, or out of attempts");
        }
        Job job = jobs.find(id).map(JobRecord::job).orElseThrow();
        OutputRecorder recorder = output.open(job, attempt.getAsInt());
        // A worker's first output tick (every 150 ms) sends the run's start even when the code is silent.
        output.tick();
        return new Run(job, attempt.getAsInt(), recorder);
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
     * Runs a job start to end as cheaply as the database allows, as a worker taking a record would: started only if
     * QUEUED (a second record of a job that ran already starts nothing), then SUCCEEDED with no output. No output
     * and no result is announced: for tests that move thousands of jobs and only look at the database.
     *
     * @return whether this call ran the job
     */
    boolean runQuietly(UUID id) {
        Instant startedAt = clock.instant();
        OptionalInt attempt = jobs.markRunning(id, workerId, startedAt);
        if (attempt.isEmpty()) {
            return false;
        }
        JobResult queued = jobs.find(id).map(JobRecord::state).orElseThrow();
        return jobs.complete(new JobResult(JobResult.VERSION, id, queued.tenant(), queued.vmType(),
                JobStatus.SUCCEEDED, 0, "", false, "", false, null, workerId, attempt.getAsInt(),
                Timings.of(queued.timings().queuedAt(), startedAt, clock.instant()), List.of()));
    }

    /** Publishes the job's stored state on {@code kiff.results} again, as a worker's retried publish would. */
    void publishAgain(UUID id) {
        results.publish(jobs.find(id).map(JobRecord::state).orElseThrow());
    }

    /** One run of a job on this stand-in. */
    final class Run {
        private final Job job;
        private final int attempt;
        private final OutputRecorder recorder;
        private final StringBuilder stdout = new StringBuilder();
        private final StringBuilder stderr = new StringBuilder();
        private final Instant startedAt;
        private boolean closed;

        private Run(Job job, int attempt, OutputRecorder recorder) {
            this.job = job;
            this.attempt = attempt;
            this.recorder = recorder;
            this.startedAt = clock.instant();
        }

        UUID id() {
            return job.id();
        }

        int attempt() {
            return attempt;
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
            recorder.output(toStderr, bytes);
            return this;
        }

        Run flush() {
            recorder.flush();
            return this;
        }

        private Run write(boolean toStderr, String text) {
            (toStderr ? stderr : stdout).append(text);
            recorder.output(toStderr, text.getBytes(StandardCharsets.UTF_8));
            recorder.flush();
            return this;
        }

        JobResult succeed() {
            return end(JobStatus.SUCCEEDED, 0, null);
        }

        /**
         * Ends the run as a worker does: the rest of the output kept, the result stored (only while this worker still
         * holds the job), then the stored state published. Answers the stored state.
         */
        JobResult end(JobStatus status, Integer exitCode, String message) {
            closeOutput();
            Instant finishedAt = clock.instant();
            JobResult queued = jobs.find(job.id()).map(JobRecord::state).orElseThrow();
            JobResult result = new JobResult(JobResult.VERSION, job.id(), job.tenant(), job.vmType(), status,
                    exitCode, stdout.toString(), false, stderr.toString(), false, message, workerId, attempt,
                    Timings.of(queued.timings().queuedAt(), startedAt, finishedAt), List.of());
            boolean stored = jobs.complete(result);
            JobResult state = jobs.find(job.id()).map(JobRecord::state).orElseThrow();
            if (stored) {
                results.publish(state);
            }
            return state;
        }

        /**
         * The platform gives this run up (the worker died, Docker failed): the job goes back to QUEUED for another
         * run, the run recorded with {@code reason}.
         */
        boolean giveUp(String reason) {
            closeOutput();
            return jobs.requeue(job.id(), JobStatus.QUEUED, reason, clock.instant());
        }

        private void closeOutput() {
            if (!closed) {
                closed = true;
                output.close(recorder);
            }
        }
    }
}
