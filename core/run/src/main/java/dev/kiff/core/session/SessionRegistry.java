package dev.kiff.core.session;

import dev.kiff.core.pool.WarmPool;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions this worker holds, by id. Releasing one interrupts what runs in it and gives its sandbox's room back
 * to the pool ({@link WarmPool#closeSession}), exactly once.
 */
public final class SessionRegistry {

    private static final Logger log = LoggerFactory.getLogger(SessionRegistry.class);

    private final Map<UUID, SessionHandle> sessions = new ConcurrentHashMap<>();
    private final WarmPool pool;

    public SessionRegistry(WarmPool pool) {
        this.pool = pool;
    }

    public void add(SessionHandle handle) {
        sessions.put(handle.id(), handle);
    }

    public Optional<SessionHandle> find(UUID id) {
        return Optional.ofNullable(sessions.get(id));
    }

    public List<SessionHandle> all() {
        return List.copyOf(sessions.values());
    }

    public int size() {
        return sessions.size();
    }

    /**
     * Interrupts the session run {@code jobId} (a cancellation): a SIGINT, so the session keeps its state and goes
     * idle once the run ends. False when no session here runs it.
     */
    public boolean interrupt(UUID jobId) {
        for (SessionHandle handle : sessions.values()) {
            if (jobId.equals(handle.currentRun())) {
                log.info("Job(id={}) was cancelled; interrupting it in Session(id={})", jobId, handle.id());
                handle.sandbox().interrupt();
                return true;
            }
        }
        return false;
    }

    /**
     * Forgets the session and removes its sandbox (a run under way ends as the sandbox goes). Idempotent: false when
     * it was released already.
     */
    public boolean release(SessionHandle handle, String why) {
        if (!handle.end()) {
            return false;
        }
        sessions.remove(handle.id(), handle);
        log.info("Session(id={}) released; removing sandbox {}: {}", handle.id(), handle.sandbox().id(), why);
        handle.sandbox().interrupt();
        pool.closeSession(handle.sandbox());
        return true;
    }
}
