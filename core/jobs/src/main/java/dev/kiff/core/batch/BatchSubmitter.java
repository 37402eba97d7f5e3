package dev.kiff.core.batch;

import dev.kiff.model.batch.Batch;
import dev.kiff.model.batch.BatchProgress;
import dev.kiff.model.batch.BatchRequest;
import dev.kiff.core.dispatch.JobDispatcher;
import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.InvalidJobException;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobStatus;
import dev.kiff.core.job.JobValidator;
import dev.kiff.model.job.Violation;
import dev.kiff.core.tenant.QuotaGuard;
import dev.kiff.core.tenant.Quotas;
import dev.kiff.core.tenant.Tenant;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a batch is accepted: every job validated (all violations reported, each under its place), the tenant's
 * quotas checked, the batch and its jobs stored in one transaction, then offered to the {@link JobDispatcher}: the
 * first of them, as many as fit the tenant's dispatch window, are handed to the broker at once, all or none; the
 * rest are held and published as the earlier ones end. A batch whose first jobs the broker does not take ends with
 * its jobs REJECTED and the caller gets the {@link TransientFailure}: all accepted, or none.
 */
public final class BatchSubmitter {

    private static final Logger log = LoggerFactory.getLogger(BatchSubmitter.class);
    /** Enough to fix a template's mistake; a list of ten thousand repeats helps nobody. */
    private static final int MAX_REPORTED = 50;

    private final JobValidator validator;
    private final BatchRepository batches;
    private final JobDispatcher dispatcher;
    private final QuotaGuard quotas;
    private final Clock clock;

    public BatchSubmitter(JobValidator validator, BatchRepository batches, JobDispatcher dispatcher,
            QuotaGuard quotas, Clock clock) {
        this.validator = validator;
        this.batches = batches;
        this.dispatcher = dispatcher;
        this.quotas = quotas;
        this.clock = clock;
    }

    /**
     * @throws InvalidJobException naming every field wrong, by place ({@code jobs[3].code})
     * @throws dev.kiff.core.tenant.QuotaExceededException when the batch is over one of the tenant's quotas
     * @throws TransientFailure    when the broker did not take the batch; none of its jobs will run
     */
    public Batch submit(BatchRequest request, Tenant tenant) {
        if (request.callbackUrl() != null) {
            List<Violation> bad = new ArrayList<>();
            validator.checkCallback(request.callbackUrl(), bad);
            if (!bad.isEmpty()) {
                throw new InvalidJobException(bad);
            }
        }
        List<BatchRequest.Member> members = request.members();
        if (members.isEmpty()) {
            throw InvalidJobException.of(request.jobs() != null ? "jobs" : "inputs", "must hold at least one job");
        }
        if (members.size() > Quotas.BATCH_SIZE_LIMIT) {
            throw new InvalidJobException(List.of(Violation.tooLarge(request.jobs() != null ? "jobs" : "inputs",
                    "at most " + Quotas.BATCH_SIZE_LIMIT + " jobs in a batch, got " + members.size())));
        }
        UUID batchId = UUID.randomUUID();
        Instant now = clock.instant();
        List<Job> jobs = new ArrayList<>(members.size());
        List<Violation> violations = new ArrayList<>();
        for (BatchRequest.Member member : members) {
            try {
                jobs.add(validator.validate(member.request(), UUID.randomUUID(), tenant.id(), now).inBatch(batchId));
            } catch (InvalidJobException e) {
                if (violations.size() < MAX_REPORTED) {
                    violations.addAll(BatchRequest.under(member.path(), e.violations()));
                }
            }
        }
        if (!violations.isEmpty()) {
            throw new InvalidJobException(violations.subList(0, Math.min(MAX_REPORTED, violations.size())));
        }
        Batch batch = new Batch(batchId, tenant.id(), jobs.size(), request.callbackUrl(), now, null, null);
        quotas.admit(tenant, jobs.size(), true, () -> {
            batches.insert(batch, jobs);
            return batch;
        });
        int published;
        try {
            published = dispatcher.offer(jobs);
        } catch (TransientFailure e) {
            batches.reject(batchId, "not queued: " + e.getMessage(), clock.instant());
            throw e;
        }
        log.info("Batch(id={}) of {} jobs queued for tenant {}, {} published at once", batchId, jobs.size(),
                tenant.id(), published);
        return batch;
    }

    /**
     * The cheap part of the quota check, before a batch body is read and parsed: the tenant has room for at least
     * one more job and a submission token. {@link #submit} checks again with the batch's size.
     *
     * @throws dev.kiff.core.tenant.QuotaExceededException when it has not
     */
    public void checkHeadroom(Tenant tenant) {
        quotas.checkHeadroom(tenant);
    }

    /** The batch's progress, for its tenant only. */
    public BatchProgress progress(UUID id, String tenant) {
        Batch batch = find(id, tenant);
        return BatchProgress.of(batch, batches.counts(id));
    }

    /** A page of the batch's jobs after place {@code afterIndex}, for its tenant only. */
    public List<BatchMember> members(UUID id, String tenant, JobStatus status, int afterIndex, int limit) {
        find(id, tenant);
        return batches.members(id, status, afterIndex, limit);
    }

    public Batch find(UUID id, String tenant) {
        return batches.find(id).filter(b -> b.tenant().equals(tenant)).orElseThrow(() -> new BatchNotFoundException(id));
    }
}
