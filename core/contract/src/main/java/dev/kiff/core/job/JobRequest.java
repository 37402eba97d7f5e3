package dev.kiff.core.job;

import java.util.Map;

/**
 * A job as a client submits it to {@code POST /v1/jobs}. Only {@code vmType}, {@code language} and {@code code} are
 * required; unknown fields are rejected.
 */
public record JobRequest(
        VmType vmType,
        Language language,
        String code,
        String stdin,
        Map<String, String> env,
        Map<String, String> files,
        RequestedLimits limits) {
}
