package dev.kiff.core.port;

import dev.kiff.model.job.JobResult;

/**
 * A terminal result and its place in the order results were stored: the cursor of a tenant's result stream and of
 * its dead-letter listing.
 */
public record StoredResult(long seq, JobResult result) {
}
