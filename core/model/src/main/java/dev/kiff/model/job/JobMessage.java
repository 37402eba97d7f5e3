package dev.kiff.model.job;

import java.time.Instant;
import java.util.Map;

/**
 * A job as it travels on a {@code kiff.jobs.<vmType>} topic (contract version {@link #VERSION}). The API publishes
 * it fully resolved; an agent publishing directly may leave out {@code v}, {@code id}, {@code tenant},
 * {@code submittedAt} and any limit, and the worker fills them in.
 */
public record JobMessage(
        Integer v,
        String id,
        String tenant,
        VmType vmType,
        Language language,
        String code,
        String stdin,
        Map<String, String> env,
        Map<String, String> files,
        RequestedLimits limits,
        Instant submittedAt,
        String batchId,
        String callbackUrl,
        RetryPolicy retry) {

    public static final int VERSION = 1;

    /** A message outside any batch, without a webhook, under the default retry policy. */
    public JobMessage(Integer v, String id, String tenant, VmType vmType, Language language, String code, String stdin,
            Map<String, String> env, Map<String, String> files, RequestedLimits limits, Instant submittedAt) {
        this(v, id, tenant, vmType, language, code, stdin, env, files, limits, submittedAt, null, null, null);
    }
}
