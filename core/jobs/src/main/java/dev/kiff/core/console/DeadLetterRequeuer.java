package dev.kiff.core.console;

import dev.kiff.core.port.JobRecord;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.submit.JobNotFoundException;
import dev.kiff.core.tenant.QuotaExceededException;
import dev.kiff.core.tenant.QuotaGuard;
import dev.kiff.core.tenant.Tenant;
import dev.kiff.model.job.JobResult;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a dead letter is requeued on request ({@code POST /v1/dlq/{id}/requeue}, the console's button): through the
 * one conditional {@link DeadLetterRequeue}, which decides races (two requeues at once: one wins), and then told apart
 * for the caller: a job the caller may not see is not found, one that is not a dead letter (any more) is a conflict.
 * A tenant's requeue puts work back on the platform as a submission does, so it is admitted by the tenant's quotas
 * (concurrent jobs, submission rate); the admin's, the operator's override, is not.
 */
public final class DeadLetterRequeuer {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterRequeuer.class);

    private final DeadLetterRequeue requeue;
    private final JobRepository jobs;
    private final QuotaGuard quotas;
    private final Clock clock;

    public DeadLetterRequeuer(DeadLetterRequeue requeue, JobRepository jobs, QuotaGuard quotas, Clock clock) {
        this.requeue = requeue;
        this.jobs = jobs;
        this.quotas = quotas;
        this.clock = clock;
    }

    /**
     * The tenant requeues one of its dead letters, within its quotas.
     *
     * @return the job as it is now, QUEUED again (or already further, when a worker took it at once)
     * @throws QuotaExceededException  when the tenant has no room for another job; nothing changed
     * @throws JobNotFoundException    when the tenant has no such job
     * @throws NotADeadLetterException when the job is not a dead letter (any more), or is a session's run
     */
    public JobResult requeue(UUID id, Tenant tenant) {
        return quotas.admit(tenant, 1, false, () -> requeue(id, tenant.id()));
    }

    /** The admin requeues any tenant's dead letter; as {@link #requeue(UUID, Tenant)}, outside any quota. */
    public JobResult requeueAnyTenants(UUID id) {
        return requeue(id, (String) null);
    }

    /** @param tenant whose dead letters alone may be requeued; {@code null}: any tenant's */
    private JobResult requeue(UUID id, String tenant) {
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
