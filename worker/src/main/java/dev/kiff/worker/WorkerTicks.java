package dev.kiff.worker;

import dev.kiff.core.exec.JobExecutor;
import dev.kiff.core.health.Dependency;
import dev.kiff.core.health.DependencyHealth;
import dev.kiff.core.output.LiveOutput;
import dev.kiff.core.pool.OrphanSweep;
import dev.kiff.core.pool.SandboxFactory;
import dev.kiff.core.pool.WarmPool;
import dev.kiff.core.session.SessionKeeper;
import dev.kiff.spring.BackgroundLoops;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The worker's background loops: on start it removes the sandboxes an earlier run left behind, then keeps the warm
 * pools converging to their targets, renews the leases of running jobs, and removes the sandboxes of workers that
 * are gone for good, and watches whether the database and the Docker engine answer. A loop that needs one of them
 * skips its turn while it does not (the outage is logged once, by the health, not once per turn). On stop (after the
 * job feed has drained) it removes the pools' sandboxes. It also keeps the sessions held here
 * ({@link SessionKeeper#tick()}: expiry, dead sandboxes, the lease). Each loop logs a failure and keeps running.
 */
public final class WorkerTicks implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WorkerTicks.class);

    private final WarmPool pool;
    private final SandboxFactory sandboxes;
    private final JobExecutor executor;
    private final LiveOutput output;
    private final WorkerProperties properties;
    private final OrphanSweep orphans;
    private final Duration orphanSweep;
    private final DependencyHealth health;
    private final SessionKeeper sessions;
    private BackgroundLoops loops;

    /** @param orphanSweep how often {@code orphans} looks for the sandboxes of workers that are gone */
    public WorkerTicks(WarmPool pool, SandboxFactory sandboxes, JobExecutor executor, LiveOutput output,
            WorkerProperties properties, OrphanSweep orphans, Duration orphanSweep, DependencyHealth health,
            SessionKeeper sessions) {
        this.sessions = sessions;
        this.orphans = orphans;
        this.health = health;
        this.orphanSweep = orphanSweep;
        this.output = output;
        this.pool = pool;
        this.sandboxes = sandboxes;
        this.executor = executor;
        this.properties = properties;
    }

    @Override
    public void start() {
        try {
            sandboxes.removeLeftovers();
        } catch (RuntimeException e) {
            log.error("could not look for sandboxes an earlier run left behind: {}", e.toString());
        }
        loops = new BackgroundLoops("kiff-worker-tick", 5);
        loops.every("dependency probe", Duration.ZERO, properties.probeInterval(), health::tick);
        loops.every("pool tick", Duration.ZERO, properties.poolTick(), when(Dependency.SANDBOX_ENGINE, pool::tick));
        Duration beat = Duration.ofMillis(Math.max(100, properties.lease().toMillis() / 3));
        loops.every("lease heartbeat", beat, beat, when(Dependency.DATABASE, executor::heartbeat));
        loops.every("live output", properties.outputFlushInterval(), properties.outputFlushInterval(),
                when(Dependency.DATABASE, output::tick));
        loops.every("session keeper", Duration.ofSeconds(1), Duration.ofSeconds(1),
                when(Dependency.DATABASE, sessions::tick));
        loops.every("orphan sweep", orphanSweep, orphanSweep, when(Dependency.SANDBOX_ENGINE, orphans::tick));
    }

    /** {@code loop}, skipped while {@code dependency} does not answer. */
    private Runnable when(Dependency dependency, Runnable loop) {
        return () -> {
            if (health.available(dependency)) {
                loop.run();
            }
        };
    }

    @Override
    public void stop() {
        loops.close();
        pool.close();
        log.info("warm pools closed");
    }

    @Override
    public boolean isRunning() {
        return loops != null && loops.isRunning();
    }

    /** Starts before the job feed, stops after it: no job is taken without pools, none left running without them. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 200;
    }
}
