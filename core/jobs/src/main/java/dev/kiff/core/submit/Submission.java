package dev.kiff.core.submit;

import dev.kiff.model.job.JobResult;

/**
 * The answer to a submission.
 *
 * @param replayed the request repeated an {@code Idempotency-Key}: this is the job the key first created
 */
public record Submission(JobResult job, boolean replayed) {
}
