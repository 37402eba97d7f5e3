package dev.kiff.model.session;

import dev.kiff.model.job.Limits;
import dev.kiff.model.job.VmType;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A session as {@code GET /v1/sessions/{id}} answers it.
 *
 * @param reason      why it is in its state (EXPIRED, DELETED, LOST), or null
 * @param limits      what every run holds to
 * @param env         the names of its environment variables (their values are not answered back)
 * @param files       the names of its initial files
 * @param workerId    the worker holding it, once claimed
 * @param currentRun  the run making it BUSY, or the last one
 * @param runs        how many runs and file operations it took
 * @param expiresAt   when it expires if nothing runs (the earlier of idle timeout and lifetime); null once ended
 * @param transitions every move, oldest first
 */
public record Session(
        UUID id,
        String tenant,
        VmType vmType,
        SessionState state,
        String reason,
        Limits limits,
        List<String> env,
        List<String> files,
        long idleTimeoutMs,
        long maxLifetimeMs,
        String workerId,
        UUID currentRun,
        int runs,
        Instant createdAt,
        Instant readyAt,
        Instant lastActiveAt,
        Instant endedAt,
        Instant expiresAt,
        List<SessionTransition> transitions) {

    public Session {
        env = env == null ? List.of() : List.copyOf(env);
        files = files == null ? List.of() : List.copyOf(files);
        transitions = transitions == null ? List.of() : List.copyOf(transitions);
    }
}
