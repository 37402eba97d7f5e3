package dev.kiff.api.events;

import dev.kiff.model.batch.BatchProgress;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.output.LogChunk;
import dev.kiff.model.session.SessionEvent;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who watches what on this API instance: the live streams of single jobs, of sessions and of whole tenants. The
 * instance's listeners of {@code kiff.logs}, {@code kiff.results}, {@code kiff.batches} and {@code kiff.session-events}
 * hand every event here, and it reaches the watchers of its job, session or tenant. Watchers must return at once.
 */
public final class LiveEvents {

    /** Hears one job's output and end. */
    public interface JobWatcher {
        void output(LogChunk chunk);

        void result(JobResult result);
    }

    /** Hears a tenant's results and batch completions. */
    public interface TenantWatcher {
        void result(JobResult result);

        void batch(BatchProgress batch);
    }

    /** Hears one session's moves; each is a nudge, the store says what moved. */
    public interface SessionWatcher {
        void moved(SessionEvent event);
    }

    private final Map<UUID, Set<SessionWatcher>> sessions = new ConcurrentHashMap<>();
    private final Map<UUID, Set<JobWatcher>> jobs = new ConcurrentHashMap<>();
    private final Map<String, Set<TenantWatcher>> tenants = new ConcurrentHashMap<>();

    /** Starts watching; run the returned action to stop. */
    public Runnable watch(UUID jobId, JobWatcher watcher) {
        jobs.computeIfAbsent(jobId, id -> ConcurrentHashMap.newKeySet()).add(watcher);
        return () -> jobs.computeIfPresent(jobId, (id, set) -> {
            set.remove(watcher);
            return set.isEmpty() ? null : set;
        });
    }

    /** Starts watching; run the returned action to stop. */
    public Runnable watch(String tenant, TenantWatcher watcher) {
        tenants.computeIfAbsent(tenant, id -> ConcurrentHashMap.newKeySet()).add(watcher);
        return () -> tenants.computeIfPresent(tenant, (id, set) -> {
            set.remove(watcher);
            return set.isEmpty() ? null : set;
        });
    }

    /** Starts watching the session; run the returned action to stop. */
    public Runnable watch(UUID sessionId, SessionWatcher watcher) {
        sessions.computeIfAbsent(sessionId, id -> ConcurrentHashMap.newKeySet()).add(watcher);
        return () -> sessions.computeIfPresent(sessionId, (id, set) -> {
            set.remove(watcher);
            return set.isEmpty() ? null : set;
        });
    }

    public void sessionMoved(SessionEvent event) {
        sessions.getOrDefault(event.sessionId(), Set.of()).forEach(w -> w.moved(event));
    }

    public void chunkArrived(LogChunk chunk) {
        jobs.getOrDefault(chunk.jobId(), Set.of()).forEach(w -> w.output(chunk));
    }

    public void resultArrived(JobResult result) {
        jobs.getOrDefault(result.id(), Set.of()).forEach(w -> w.result(result));
        tenants.getOrDefault(result.tenant(), Set.of()).forEach(w -> w.result(result));
    }

    public void batchCompleted(BatchProgress batch) {
        tenants.getOrDefault(batch.tenant(), Set.of()).forEach(w -> w.batch(batch));
    }

    /** How many streams watch the job here. */
    public int watchers(UUID jobId) {
        return jobs.getOrDefault(jobId, Set.of()).size();
    }
}
