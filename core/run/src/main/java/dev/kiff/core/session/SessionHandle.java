package dev.kiff.core.session;

import dev.kiff.core.pool.Sandbox;
import dev.kiff.model.job.VmType;
import java.time.Duration;
import java.time.Instant;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session this worker holds: its sandbox, taken out of the pool for good, and what the keeper judges it by. Its
 * commands run one after another on its own lane, a queue drained by a shared bounded executor, so one session's long
 * run stalls no other session and a session's commands never overlap.
 */
public final class SessionHandle {

    private static final Logger log = LoggerFactory.getLogger(SessionHandle.class);

    private final UUID id;
    private final String tenant;
    private final VmType vmType;
    private final Sandbox sandbox;
    private final Instant createdAt;
    private final Duration idleTimeout;
    private final Duration maxLifetime;
    private final Queue<Runnable> lane = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Instant lastActiveAt;
    private volatile UUID currentRun;

    /**
     * @param createdAt when the API created it: its maximum lifetime counts from then
     * @param readyAt   when its sandbox was open: its idle time counts from then until its first run
     */
    public SessionHandle(UUID id, String tenant, VmType vmType, Sandbox sandbox, Instant createdAt, Instant readyAt,
            Duration idleTimeout, Duration maxLifetime) {
        this.id = id;
        this.tenant = tenant;
        this.vmType = vmType;
        this.sandbox = sandbox;
        this.createdAt = createdAt;
        this.idleTimeout = idleTimeout;
        this.maxLifetime = maxLifetime;
        this.lastActiveAt = readyAt;
    }

    public UUID id() {
        return id;
    }

    public String tenant() {
        return tenant;
    }

    public VmType vmType() {
        return vmType;
    }

    public Sandbox sandbox() {
        return sandbox;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public Duration maxLifetime() {
        return maxLifetime;
    }

    public Instant lastActiveAt() {
        return lastActiveAt;
    }

    /** The run under way in the sandbox, or null. */
    public UUID currentRun() {
        return currentRun;
    }

    void running(UUID run, Instant at) {
        currentRun = run;
        lastActiveAt = at;
    }

    void idle(Instant at) {
        currentRun = null;
        lastActiveAt = at;
    }

    /** Marks it ended; true only for the first caller, who releases its sandbox. */
    boolean end() {
        return ended.compareAndSet(false, true);
    }

    public boolean ended() {
        return ended.get();
    }

    /** Queues a command behind the session's earlier ones; {@code executor} runs the lane while it has work. */
    void enqueue(Runnable command, Executor executor) {
        lane.add(command);
        schedule(executor);
    }

    private void schedule(Executor executor) {
        if (draining.compareAndSet(false, true)) {
            executor.execute(() -> drain(executor));
        }
    }

    private void drain(Executor executor) {
        try {
            Runnable next;
            while ((next = lane.poll()) != null) {
                try {
                    next.run();
                } catch (RuntimeException e) {
                    log.error("Session(id={}) command failed: {}", id, e.toString(), e);
                }
            }
        } finally {
            draining.set(false);
            if (!lane.isEmpty()) {
                schedule(executor);
            }
        }
    }

    @Override
    public String toString() {
        return "Session(id=" + id + ", tenant=" + tenant + ", vmType=" + vmType.wireName() + ", sandbox="
                + sandbox.id() + ")";
    }
}
