package dev.kiff.core.session;

import dev.kiff.model.job.Limits;
import dev.kiff.model.job.VmType;
import dev.kiff.model.session.Session;
import dev.kiff.model.session.SessionState;
import dev.kiff.model.session.SessionTransition;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A session as the store holds it.
 *
 * @param envNames     the names of its environment variables; their values travel once, in the open record, and are
 *                     never stored
 * @param fileNames    the names of its initial files; their contents likewise
 * @param workerId     the worker that claimed it, null while unclaimed
 * @param runTopic     where its runs go, set with the claim
 * @param currentRun   the run that made it BUSY (or the last one)
 * @param heartbeatAt  the claiming worker's lease, renewed while it holds the sandbox
 */
public record SessionRecord(
        UUID id,
        String tenant,
        VmType vmType,
        SessionState state,
        String reason,
        Limits limits,
        List<String> envNames,
        List<String> fileNames,
        long idleTimeoutMs,
        long maxLifetimeMs,
        String workerId,
        String runTopic,
        UUID currentRun,
        int runs,
        Instant createdAt,
        Instant claimedAt,
        Instant readyAt,
        Instant lastActiveAt,
        Instant heartbeatAt,
        Instant endedAt) {

    public SessionRecord {
        envNames = envNames == null ? List.of() : List.copyOf(envNames);
        fileNames = fileNames == null ? List.of() : List.copyOf(fileNames);
    }

    /** A session just accepted: CREATING, unclaimed. */
    public static SessionRecord creating(UUID id, String tenant, VmType vmType, Limits limits, List<String> envNames,
            List<String> fileNames, long idleTimeoutMs, long maxLifetimeMs, Instant now) {
        return new SessionRecord(id, tenant, vmType, SessionState.CREATING, null, limits, envNames, fileNames,
                idleTimeoutMs, maxLifetimeMs, null, null, null, 0, now, null, null, null, null, null);
    }

    /**
     * When it expires if nothing runs: the earlier of its idle timeout (from its last activity, or from when it became
     * ready) and its lifetime. Null while CREATING (the create timeout applies) and once ended.
     */
    public Instant expiresAt() {
        if (state.isTerminal() || state == SessionState.CREATING) {
            return null;
        }
        Instant lifetimeEnd = createdAt.plusMillis(maxLifetimeMs);
        if (state == SessionState.BUSY) {
            return lifetimeEnd;
        }
        Instant active = lastActiveAt != null ? lastActiveAt : readyAt != null ? readyAt : createdAt;
        Instant idleEnd = active.plusMillis(idleTimeoutMs);
        return idleEnd.isBefore(lifetimeEnd) ? idleEnd : lifetimeEnd;
    }

    /** The API's view of it. */
    public Session view(List<SessionTransition> transitions) {
        return new Session(id, tenant, vmType, state, reason, limits, envNames, fileNames, idleTimeoutMs,
                maxLifetimeMs, workerId, currentRun, runs, createdAt, readyAt, lastActiveAt, endedAt, expiresAt(),
                transitions);
    }
}
