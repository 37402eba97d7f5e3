package dev.kiff.model.job;

import java.time.Instant;

/**
 * One run of a job, as its result lists them.
 *
 * @param status how the run ended; {@code RUNNING} while it runs, {@code QUEUED} when the platform gave it up
 *               (the job waits for another run)
 * @param reason why a run did not end with the code's own outcome (the worker died, Docker failed, a retry)
 */
public record Attempt(int attempt, String workerId, Instant startedAt, Instant finishedAt, JobStatus status,
        String reason) {
}
