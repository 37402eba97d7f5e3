package dev.kiff.core.batch;

import dev.kiff.model.batch.Batch;
import dev.kiff.model.batch.BatchProgress;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.core.port.JobRecord;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.port.ResultPublisher;
import dev.kiff.core.submit.JobAlreadyEndedException;
import dev.kiff.core.submit.JobCanceller;
import dev.kiff.core.submit.SubmissionMetrics;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a batch is cancelled: its queued jobs end CANCELLED in one update and are never started; each running one
 * is cancelled as a single job is (killed wherever it runs). Jobs that ended keep their results.
 */
public final class BatchCanceller {

    private static final Logger log = LoggerFactory.getLogger(BatchCanceller.class);

    private final BatchSubmitter submitter;
    private final BatchRepository batches;
    private final JobRepository jobs;
    private final JobCanceller jobCanceller;
    private final ResultPublisher results;
    private final Clock clock;
    private final SubmissionMetrics metrics;

    public BatchCanceller(BatchSubmitter submitter, BatchRepository batches, JobRepository jobs,
            JobCanceller jobCanceller, ResultPublisher results, Clock clock, SubmissionMetrics metrics) {
        this.submitter = submitter;
        this.batches = batches;
        this.jobs = jobs;
        this.jobCanceller = jobCanceller;
        this.results = results;
        this.clock = clock;
        this.metrics = metrics;
    }

    public BatchProgress cancel(UUID id, String tenant) {
        Batch batch = submitter.find(id, tenant);
        List<UUID> cancelled = batches.cancelQueued(id, JobCanceller.REASON, clock.instant());
        for (UUID jobId : cancelled) {
            jobs.find(jobId).ifPresent(record -> {
                results.publish(record.state());
                metrics.cancelled(tenant, record.job().vmType(), JobStatus.QUEUED);
            });
        }
        int killed = 0;
        for (UUID jobId : batches.running(id)) {
            try {
                JobResult result = jobCanceller.cancel(jobId, tenant);
                killed += result.status() == JobStatus.CANCELLED ? 1 : 0;
            } catch (JobAlreadyEndedException ended) {
                log.debug("Job(id={}) of {} ended before it could be cancelled", jobId, batch);
            }
        }
        log.info("{} cancelled: {} queued jobs will not run, {} running ones were killed", batch, cancelled.size(),
                killed);
        return submitter.progress(id, tenant);
    }
}
