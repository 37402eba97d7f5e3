package dev.kiff.model.job;

import java.util.Map;

/**
 * A job as a client submits it to {@code POST /v1/jobs}. Only {@code vmType}, {@code language} and {@code code} are
 * required; unknown fields are rejected.
 *
 * @param callbackUrl where the result is POSTed (signed) once the job ends; optional
 * @param retry       how often the job may run; optional
 */
public record JobRequest(
        VmType vmType,
        Language language,
        String code,
        String stdin,
        Map<String, String> env,
        Map<String, String> files,
        RequestedLimits limits,
        String callbackUrl,
        RetryPolicy retry) {

    public JobRequest(VmType vmType, Language language, String code, String stdin, Map<String, String> env,
            Map<String, String> files, RequestedLimits limits) {
        this(vmType, language, code, stdin, env, files, limits, null, null);
    }
}
