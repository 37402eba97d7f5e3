package dev.kiff.client;

import dev.kiff.model.job.JobStatus;
import java.util.UUID;

/**
 * The answer to a job submission.
 *
 * @param replayed the {@code Idempotency-Key} was used before: this is the job it first created
 */
public record Submitted(UUID id, JobStatus status, boolean replayed) {
}
