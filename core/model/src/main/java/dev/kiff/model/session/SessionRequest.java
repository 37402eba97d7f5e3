package dev.kiff.model.session;

import dev.kiff.model.job.RequestedLimits;
import dev.kiff.model.job.VmType;
import java.util.Map;

/**
 * A session as a client asks for it with {@code POST /v1/sessions}. Only {@code vmType} is required; unknown fields
 * are rejected.
 *
 * @param limits        the limits every run holds to (a run's {@code timeoutMs} may be shorter); null takes the VM
 *                      type's defaults
 * @param idleTimeoutMs how long the session may wait for a run before it expires; null takes the platform default,
 *                      and a value above the platform's maximum is refused
 * @param maxLifetimeMs how long the session may live at all, busy or not; as {@code idleTimeoutMs}
 * @param env           environment variables of every run
 * @param files         files placed in {@code /workspace} before the first run, name to UTF-8 content
 */
public record SessionRequest(
        VmType vmType,
        RequestedLimits limits,
        Long idleTimeoutMs,
        Long maxLifetimeMs,
        Map<String, String> env,
        Map<String, String> files) {
}
