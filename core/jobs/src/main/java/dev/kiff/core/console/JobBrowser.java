package dev.kiff.core.console;

import dev.kiff.model.job.JobStatus;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What the web console lists: jobs by filter, a page at a time, and batches with their progress. A read model over
 * the system of record; a {@code null} tenant means every tenant's (the admin's view).
 */
public interface JobBrowser {

    /** The filter of a jobs page; {@code null} fields do not filter. */
    record JobQuery(String tenant, JobStatus status, String vmType, UUID batchId, boolean deadLetteredOnly,
            int page, int pageSize) {
        public JobQuery {
            if (page < 0 || pageSize < 1) {
                throw new IllegalArgumentException("page must be >= 0 and pageSize >= 1");
            }
        }
    }

    /** One row of the jobs list. */
    record JobSummary(UUID id, String tenant, String vmType, JobStatus status, UUID batchId, int attempts,
            Instant submittedAt, Instant finishedAt, Instant deadLetteredAt, String message) {
    }

    /** A batch and how far it got, counted from its jobs. */
    record BatchProgress(UUID id, String tenant, int total, int finished, int succeeded, Instant submittedAt) {
    }

    /** The jobs matching {@code query}, newest first; one more than the page size is never returned. */
    List<JobSummary> jobs(JobQuery query);

    /** The newest {@code limit} batches of {@code tenant} ({@code null}: of every tenant), newest first. */
    List<BatchProgress> batches(String tenant, int limit);
}
