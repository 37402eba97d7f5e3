package dev.kiff.core.submit;

import dev.kiff.core.dispatch.JobBacklog.Stored;
import dev.kiff.core.dispatch.JobDispatcher;
import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobRequest;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.core.job.JobValidator;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.port.JobRecord;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.tenant.QuotaGuard;
import dev.kiff.core.tenant.Tenant;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a job is accepted: validate, store as QUEUED, publish to its VM type's topic through the
 * {@link JobDispatcher}. A job of a tenant below its dispatch window is only answered as queued once the broker has
 * it; when the broker does not take it, the stored job ends REJECTED with the reason and the caller gets the
 * {@link TransientFailure}. A job of a tenant at its window is answered queued once stored: the dispatcher
 * publishes it when the tenant's earlier jobs end.
 */
public final class JobSubmitter {

    private static final Logger log = LoggerFactory.getLogger(JobSubmitter.class);

    private final JobValidator validator;
    private final JobRepository jobs;
    private final JobDispatcher dispatcher;
    private final JobCodec codec;
    private final QuotaGuard quotas;
    private final Clock clock;
    private final SubmissionMetrics metrics;

    public JobSubmitter(JobValidator validator, JobRepository jobs, JobDispatcher dispatcher, JobCodec codec,
            QuotaGuard quotas, Clock clock) {
        this(validator, jobs, dispatcher, codec, quotas, clock, SubmissionMetrics.NONE);
    }

    /** @param metrics hears every submission's outcome */
    public JobSubmitter(JobValidator validator, JobRepository jobs, JobDispatcher dispatcher, JobCodec codec,
            QuotaGuard quotas, Clock clock, SubmissionMetrics metrics) {
        this.metrics = metrics;
        this.quotas = quotas;
        this.validator = validator;
        this.jobs = jobs;
        this.dispatcher = dispatcher;
        this.codec = codec;
        this.clock = clock;
    }

    /**
     * @param idempotencyKey optional; the same key (per tenant) always names the same job, so a retried request
     *                       never runs the code twice
     * @throws dev.kiff.core.tenant.QuotaExceededException when the tenant is at one of its quotas; nothing is stored
     */
    public Submission submit(JobRequest request, Tenant tenant, String idempotencyKey) {
        Submission submission;
        try {
            submission = admit(request, tenant, idempotencyKey);
        } catch (RuntimeException e) {
            metrics.rejected(tenant.id(), request.vmType(), SubmissionRejection.of(e));
            throw e;
        }
        metrics.accepted(tenant.id(), request.vmType(), submission.replayed());
        return submission;
    }

    private Submission admit(JobRequest request, Tenant tenant, String idempotencyKey) {
        UUID id = idempotencyKey == null
                ? UUID.randomUUID()
                : UUID.nameUUIDFromBytes((tenant.id() + "\n" + idempotencyKey).getBytes(StandardCharsets.UTF_8));
        Job job = validator.validate(request, id, tenant.id(), clock.instant());
        String requestHash = idempotencyKey == null ? null : sha256(codec.write(request));
        Stored stored = quotas.admit(tenant, 1, false, () -> dispatcher.hold(job, requestHash));
        if (stored == Stored.EXISTS) {
            JobRecord existing = jobs.find(id).orElseThrow(() -> new JobNotFoundException(id));
            if (!requestHash.equals(existing.requestHash())) {
                throw new IdempotencyConflictException(id);
            }
            if (existing.state().status() != JobStatus.REJECTED || !jobs.resubmit(id, job.submittedAt())) {
                log.debug("Job(id={}) submitted again with its Idempotency-Key; answering the stored job", id);
                return new Submission(existing.state(), true);
            }
            // The broker refused this job before; the client retries as told, so queue it now.
            log.info("Job(id={}) resubmitted with its Idempotency-Key after a refusal", id);
            return new Submission(publish(job, null), true);
        }
        return new Submission(publish(job, stored), false);
    }

    /** @param stored how the job was just stored, or null for a job stored earlier and queued again */
    private JobResult publish(Job job, Stored stored) {
        boolean published;
        try {
            if (stored == null) {
                published = dispatcher.offer(List.of(job)) == 1;
            } else if (stored == Stored.CLAIMED) {
                dispatcher.publishClaimed(job);
                published = true;
            } else {
                published = false;
            }
        } catch (TransientFailure e) {
            jobs.reject(job.id(), "not queued: " + e.getMessage(), clock.instant());
            throw e;
        }
        if (published) {
            log.info("Job(id={}) queued for {}", job.id(), job.vmType());
        } else {
            log.info("Job(id={}) queued for {}, held until earlier jobs of tenant {} end", job.id(), job.vmType(),
                    job.tenant());
        }
        return JobResult.queued(job);
    }

    public JobResult find(UUID id, String tenant) {
        Optional<JobRecord> record = jobs.find(id).filter(r -> r.job().tenant().equals(tenant));
        return record.map(JobRecord::state).orElseThrow(() -> new JobNotFoundException(id));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
