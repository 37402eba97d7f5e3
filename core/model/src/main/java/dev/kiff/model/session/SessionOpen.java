package dev.kiff.model.session;

import dev.kiff.model.job.Limits;
import dev.kiff.model.job.VmType;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * The request to open a session, published by the API on {@code kiff.session-opens.<vmType>} (keyed by session id,
 * signed by the platform key), taken by a worker holding an idle sandbox of that type.
 *
 * @param limits        resolved: every run holds to them
 * @param files         initial files for {@code /workspace}, name to UTF-8 content
 * @param idleTimeoutMs resolved, clamped to the platform's maximum
 * @param maxLifetimeMs resolved, clamped to the platform's maximum
 */
public record SessionOpen(
        int v,
        UUID sessionId,
        String tenant,
        VmType vmType,
        Limits limits,
        Map<String, String> env,
        Map<String, String> files,
        long idleTimeoutMs,
        long maxLifetimeMs,
        Instant requestedAt) {

    public static final int VERSION = 1;

    public SessionOpen {
        env = env == null ? Map.of() : Map.copyOf(env);
        files = files == null ? Map.of() : Map.copyOf(files);
    }

    @Override
    public String toString() {
        // Env values and file contents are the tenant's: names only.
        return "SessionOpen(sessionId=" + sessionId + ", tenant=" + tenant + ", vmType=" + vmType + ", limits=" + limits
                + ", env=" + env.keySet() + ", files=" + files.keySet() + ")";
    }
}
