package dev.kiff.core.trust;

import dev.kiff.model.batch.Batch;
import dev.kiff.core.batch.BatchRepository;
import dev.kiff.model.job.Job;
import dev.kiff.core.port.JobRecord;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.trust.RecordVerifier.Signer;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a job record may run as the tenant it names. A record signed with the platform key may name any tenant
 * (the API checked the caller); one signed with a tenant's producer key may name only that tenant, only that
 * tenant's batches and no other tenant's job id; anything else is refused. Records on a topic the operator declared
 * trusted (closed networks only) are believed as the platform's.
 */
public final class JobRecordClaims {

    private final RecordVerifier verifier;
    private final Set<String> trustedTopics;
    private final BatchRepository batches;
    private final JobRepository jobs;

    public JobRecordClaims(RecordVerifier verifier, Set<String> trustedTopics, BatchRepository batches,
            JobRepository jobs) {
        this.verifier = verifier;
        this.trustedTopics = Set.copyOf(trustedTopics);
        this.batches = batches;
        this.jobs = jobs;
    }

    /** Who produced the record, by its signature (or the topic, when it is trusted). */
    public Signer signer(String topic, String key, byte[] value, String signatureHeader) {
        if (trustedTopics.contains(topic)) {
            return new Signer.Platform(); // the operator vouches for every producer of this topic
        }
        return verifier.check(topic, key, value, signatureHeader);
    }

    /** Why {@code job} may not run as it claims, given who signed it; empty when it may. */
    public Optional<String> refusal(Signer signer, Job job) {
        if (signer instanceof Signer.Refused refused) {
            return Optional.of(refused.reason());
        }
        if (signer instanceof Signer.Tenant tenant) {
            return tenantRefusal(tenant.id(), job);
        }
        return Optional.empty();
    }

    private Optional<String> tenantRefusal(String tenant, Job job) {
        if (!tenant.equals(job.tenant())) {
            return Optional.of("signed with the producer key of tenant " + tenant + " but names tenant "
                    + job.tenant());
        }
        if (job.batchId() != null) {
            Optional<String> owner = batches.find(job.batchId()).map(Batch::tenant);
            if (owner.isEmpty() || !owner.get().equals(tenant)) {
                return Optional.of("names batch " + job.batchId() + ", which is not a batch of tenant " + tenant);
            }
        }
        Optional<String> holder = jobs.find(job.id()).map(JobRecord::job).map(Job::tenant);
        if (holder.isPresent() && !holder.get().equals(tenant)) {
            return Optional.of("names job id " + job.id() + ", which is another tenant's job");
        }
        return Optional.empty();
    }
}
