package dev.kiff.model.job;

import dev.kiff.model.session.SessionRef;
import java.time.Instant;
import java.util.Map;

/**
 * A job as it travels on a {@code kiff.jobs.<vmType>} topic (contract version {@link #VERSION}). The API publishes
 * it fully resolved; an agent publishing directly may leave out {@code v}, {@code id}, {@code tenant},
 * {@code submittedAt} and any limit, and the worker fills them in.
 *
 * <p>{@code session} is set on a worker's session run topic only ({@code kiff.session-runs.<worker>}): the session the
 * job runs in and what it asks of it. A job topic's record carrying one is refused by the worker.
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
        RetryPolicy retry,
        SessionRef session) {

    public static final int VERSION = 1;

    /**
     * A message of a plain job, in no session (the components before sessions were part of the contract).
     */
    public JobMessage(Integer v, String id, String tenant, VmType vmType, Language language, String code, String stdin,
            Map<String, String> env, Map<String, String> files, RequestedLimits limits, Instant submittedAt,
            String batchId, String callbackUrl, RetryPolicy retry) {
        this(v, id, tenant, vmType, language, code, stdin, env, files, limits, submittedAt, batchId, callbackUrl, retry,
                null);
    }

    /** A message outside any batch, without a webhook, under the default retry policy. */
    public JobMessage(Integer v, String id, String tenant, VmType vmType, Language language, String code, String stdin,
            Map<String, String> env, Map<String, String> files, RequestedLimits limits, Instant submittedAt) {
        this(v, id, tenant, vmType, language, code, stdin, env, files, limits, submittedAt, null, null, null, null);
    }

    /** The same message as a command of the session {@code ref} names, for a worker's session run topic. */
    public JobMessage inSession(SessionRef ref) {
        return new JobMessage(v, id, tenant, vmType, language, code, stdin, env, files, limits, submittedAt, batchId,
                callbackUrl, retry, ref);
    }
}
