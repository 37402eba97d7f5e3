package dev.kiff.core.console;

import dev.kiff.core.port.JobRecord;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.submit.JobNotFoundException;
import dev.kiff.model.job.JobResult;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a dead letter is requeued on request ({@code POST /v1/dlq/{id}/requeue}): through the one conditional
 * {@link DeadLetterRequeue}, which decides races (two requeues at once: one wins), and then told apart for the
 * caller: a job the caller may not see is not found, one that is not a dead letter (any more) is a conflict.
 */
public final class DeadLetterRequeuer {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterRequeuer.class);

    private final DeadLetterRequeue requeue;
    private final JobRepository jobs;
    private final Clock clock;

    public DeadLetterRequeuer(DeadLetterRequeue requeue, JobRepository jobs, Clock clock) {
        this.requeue = requeue;
        this.jobs = jobs;
        this.clock = clock;
    }

    /**
     * @param tenant the caller's tenant, whose dead letters alone it may requeue; {@code null}: the admin, any
     * @return the job as it is now, QUEUED again (or already further, when a worker took it at once)
     * @throws JobNotFoundException    when there is no such job (of {@code tenant})
     * @throws NotADeadLetterException when the job is not a dead letter (any more)
     */
    public JobResult requeue(UUID id, String tenant) {
        if (requeue.requeue(id, tenant, clock.instant())) {
            log.info("Job(id={}) requeued from the dead letters by {}", id,
                    tenant == null ? "the admin" : "tenant " + tenant);
            return visible(id, tenant).state();
        }
        // Read after the update: what the race left, or what the job always was.
        JobResult state = visible(id, tenant).state();
        if (state.sessionId() != null) {
            throw NotADeadLetterException.sessionRun(id, state.status());
        }
        throw new NotADeadLetterException(id, state.status());
    }

    private JobRecord visible(UUID id, String tenant) {
        return jobs.find(id).filter(record -> tenant == null || record.job().tenant().equals(tenant))
                .orElseThrow(() -> new JobNotFoundException(id));
    }
}
