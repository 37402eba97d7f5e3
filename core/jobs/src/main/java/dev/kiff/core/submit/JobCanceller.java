package dev.kiff.core.submit;

import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.core.port.CancellationPublisher;
import dev.kiff.core.port.JobRecord;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.port.ResultPublisher;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a job is cancelled. A QUEUED job becomes CANCELLED and is never started (a worker that takes its record later
 * finds it ended). A RUNNING job becomes CANCELLED and every worker is told to kill it; the one running it does so at
 * once, and its run cannot overwrite the cancellation (completing is conditional on RUNNING). Either way the
 * CANCELLED result is published at once. Cancelling a cancelled job answers it again; a job that ended otherwise
 * keeps its result.
 */
public final class JobCanceller {

    public static final String REASON = "cancelled by the client";
    private static final Logger log = LoggerFactory.getLogger(JobCanceller.class);

    private final JobRepository jobs;
    private final ResultPublisher results;
    private final CancellationPublisher kills;
    private final Clock clock;
    private final SubmissionMetrics metrics;

    public JobCanceller(JobRepository jobs, ResultPublisher results, CancellationPublisher kills, Clock clock,
            SubmissionMetrics metrics) {
        this.jobs = jobs;
        this.results = results;
        this.kills = kills;
        this.clock = clock;
        this.metrics = metrics;
    }

    public JobCanceller(JobRepository jobs, ResultPublisher results, CancellationPublisher kills, Clock clock) {
        this(jobs, results, kills, clock, SubmissionMetrics.NONE);
    }

    /**
     * @throws JobNotFoundException     when the tenant has no such job
     * @throws JobAlreadyEndedException when it ended other than CANCELLED
     */
    public JobResult cancel(UUID id, String tenant) {
        // Each round loses only to a job that moved meanwhile (QUEUED → RUNNING, or ended); three suffice.
        for (int round = 0; round < 3; round++) {
            JobRecord record = jobs.find(id).filter(r -> r.job().tenant().equals(tenant))
                    .orElseThrow(() -> new JobNotFoundException(id));
            JobStatus status = record.state().status();
            if (status == JobStatus.CANCELLED) {
                return record.state();
            }
            if (status.isTerminal()) {
                throw new JobAlreadyEndedException(id, status);
            }
            if (jobs.cancel(id, status, REASON, clock.instant())) {
                if (status == JobStatus.RUNNING) {
                    kills.requestKill(id);
                }
                JobResult cancelled = jobs.find(id).map(JobRecord::state).orElseThrow();
                results.publish(cancelled);
                metrics.cancelled(tenant, record.job().vmType(), status);
                log.info("Job(id={}) cancelled while {}", id, status);
                return cancelled;
            }
        }
        throw new TransientFailure("Job(id=" + id + ") kept changing its state while being cancelled; try again");
    }
}
