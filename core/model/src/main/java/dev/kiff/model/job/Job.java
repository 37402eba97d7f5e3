package dev.kiff.model.job;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A validated job: every field present, every limit resolved and within its VM type's range. */
public record Job(
        UUID id,
        String tenant,
        VmType vmType,
        Language language,
        String code,
        String stdin,
        Map<String, String> env,
        Map<String, String> files,
        Limits limits,
        Instant submittedAt,
        UUID batchId,
        String callbackUrl,
        RetryPolicy retry) {

    /** The tenant of a job published straight to Kafka without one. */
    public static final String DEFAULT_TENANT = "default";

    public Job {
        env = Map.copyOf(env);
        files = Map.copyOf(files);
        retry = retry == null ? RetryPolicy.DEFAULT : retry.resolved();
    }

    /** A job outside any batch, without a webhook, under the default retry policy. */
    public Job(UUID id, String tenant, VmType vmType, Language language, String code, String stdin,
            Map<String, String> env, Map<String, String> files, Limits limits, Instant submittedAt) {
        this(id, tenant, vmType, language, code, stdin, env, files, limits, submittedAt, null, null, null);
    }

    /** This job as member of a batch. */
    public Job inBatch(UUID batch) {
        return new Job(id, tenant, vmType, language, code, stdin, env, files, limits, submittedAt, batch, callbackUrl,
                retry);
    }

    public JobMessage toMessage() {
        return new JobMessage(JobMessage.VERSION, id.toString(), tenant, vmType, language, code, stdin, env, files,
                RequestedLimits.of(limits), submittedAt,
                batchId == null ? null : batchId.toString(), callbackUrl, retry);
    }

    @Override
    public String toString() {
        return "Job(id=" + id + ", vmType=" + vmType + ", language=" + language
                + (batchId == null ? "" : ", batch=" + batchId) + ")";
    }
}
