package dev.kiff.spring;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An app's background loops on daemon threads: each runs at a fixed delay, and a failing run is logged and the
 * loop goes on — a background loop never dies of one bad tick.
 */
public final class BackgroundLoops implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BackgroundLoops.class);
    /**
     * How long {@link #close} lets a run in progress finish. A run is a tick, bounded by its own timeouts; the bound
     * here is for one that hangs all the same.
     */
    static final Duration GRACE = Duration.ofSeconds(10);

    private final ScheduledExecutorService executor;

    /** @param threads how many loops may run at the same moment */
    public BackgroundLoops(String name, int threads) {
        this.executor = Executors.newScheduledThreadPool(threads, daemonThreads(name));
    }

    /** Runs {@code loop} after {@code initialDelay}, then {@code period} after each run ends. */
    public void every(String what, Duration initialDelay, Duration period, Runnable loop) {
        executor.scheduleWithFixedDelay(() -> {
            try {
                loop.run();
            } catch (RuntimeException e) {
                log.error("{} failed, going on: {}", what, e.toString());
            }
        }, initialDelay.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isRunning() {
        return !executor.isShutdown();
    }

    /**
     * Stops every loop: no run starts any more, and a run in progress may finish (for up to {@link #GRACE}) before
     * it is interrupted. An interrupted run can leave work half done elsewhere: a job dispatch interrupted between
     * its Kafka transaction's records and their commit leaves the transaction open on the broker, and every worker,
     * reading committed records only, then reads nothing past it on those partitions until the broker aborts it.
     */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("a background loop's run did not end within {} of the stop; interrupting it", GRACE);
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Daemon threads named {@code name-1}, {@code name-2}, …: they never keep a stopping JVM alive. */
    public static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
