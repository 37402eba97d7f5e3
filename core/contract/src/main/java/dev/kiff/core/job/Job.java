package dev.kiff.core.job;

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
        Instant submittedAt) {

    /** The placeholder tenant every job belongs to until tenants and API keys exist. */
    public static final String DEFAULT_TENANT = "default";

    public Job {
        env = Map.copyOf(env);
        files = Map.copyOf(files);
    }

    public JobMessage toMessage() {
        return new JobMessage(JobMessage.VERSION, id.toString(), tenant, vmType, language, code, stdin, env, files,
                RequestedLimits.of(limits), submittedAt);
    }

    @Override
    public String toString() {
        return "Job(id=" + id + ", vmType=" + vmType + ", language=" + language + ")";
    }
}
