package dev.kiff.core.port;

import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobResult;

/**
 * A stored job: what was submitted, and where it stands now.
 *
 * @param requestHash fingerprint of the request behind an {@code Idempotency-Key}, null for jobs without one
 */
public record JobRecord(Job job, String requestHash, JobResult state) {
}
