package dev.kiff.core.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the worker's dependencies (the database, the sandbox engine) answer, so that an outage pauses the work
 * instead of failing it: while one is unavailable no job is started (a try that fails then costs no attempt), and a
 * run's end is written once it is back.
 *
 * <p>Each dependency is probed on every {@link #tick()}, and at once when a caller saw a failure and asks
 * ({@link #recheck}); concurrent rechecks share one probe. An outage is logged once at WARN when it begins and once
 * at INFO when it ends, whatever the number of jobs it holds up; listeners hear of both.
 */
public final class DependencyHealth {

    private static final Logger log = LoggerFactory.getLogger(DependencyHealth.class);

    private final Map<Dependency, DependencyProbe> probes;
    private final Clock clock;
    private final Map<Dependency, Instant> downSince = new EnumMap<>(Dependency.class);
    private final Map<Dependency, AtomicLong> probesStarted = new EnumMap<>(Dependency.class);
    private final Map<Dependency, Object> probing = new EnumMap<>(Dependency.class);
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /** @param probes how each dependency is asked; a dependency without a probe is taken to be always available */
    public DependencyHealth(Map<Dependency, DependencyProbe> probes, Clock clock) {
        this.probes = new EnumMap<>(Dependency.class);
        this.probes.putAll(probes);
        this.clock = clock;
        for (Dependency dependency : this.probes.keySet()) {
            probesStarted.put(dependency, new AtomicLong());
            probing.put(dependency, new Object());
        }
    }

    /** Runs {@code listener} whenever a dependency becomes unavailable or available again. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** Probes every dependency. Called by the worker every probe interval. */
    public void tick() {
        for (Dependency dependency : probes.keySet()) {
            probe(dependency, Long.MAX_VALUE);
        }
    }

    /** True when every dependency answered its last probe. */
    public synchronized boolean available() {
        return downSince.isEmpty();
    }

    public synchronized boolean available(Dependency dependency) {
        return !downSince.containsKey(dependency);
    }

    /**
     * Probes every dependency now, after a caller saw a failure that may be an outage; a probe that started after
     * this call began answers for it too. True when all answered.
     */
    public boolean recheck() {
        for (Dependency dependency : probes.keySet()) {
            recheck(dependency);
        }
        return available();
    }

    /** Probes {@code dependency} now (see {@link #recheck()}); true when it answered. */
    public boolean recheck(Dependency dependency) {
        AtomicLong started = probesStarted.get(dependency);
        if (started != null) {
            probe(dependency, started.get());
        }
        return available(dependency);
    }

    /** Waits until {@code dependency} is available, at most {@code patience}. True when it is. */
    private synchronized boolean awaitAvailable(Dependency dependency, Duration patience) {
        long deadline = clock.millis() + patience.toMillis();
        while (downSince.containsKey(dependency)) {
            long left = deadline - clock.millis();
            if (left <= 0) {
                return false;
            }
            try {
                // Bounded, so a clock that moves (rather than notify) ends the wait too.
                wait(Math.min(left, 1_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * Runs {@code write} until it succeeds, waiting out an outage of {@code dependency} between tries, for at most
     * {@code patience} from the first failure. A failure while the dependency answers is the write's own and is
     * thrown at once, as is the last failure once the patience is spent.
     */
    public <T> T ridingOut(Dependency dependency, Duration patience, Supplier<T> write) {
        Instant giveUpAt = null;
        while (true) {
            try {
                return write.get();
            } catch (RuntimeException e) {
                if (recheck(dependency)) {
                    throw e;
                }
                if (giveUpAt == null) {
                    giveUpAt = clock.instant().plus(patience);
                }
                Duration left = Duration.between(clock.instant(), giveUpAt);
                if (left.isNegative() || left.isZero() || !awaitAvailable(dependency, left)) {
                    throw e;
                }
            }
        }
    }

    /**
     * One probe of {@code dependency}, unless one started after {@code asked} (a count of probes started) while
     * this call waited for its turn: that one's answer stands.
     */
    private void probe(Dependency dependency, long asked) {
        AtomicLong started = probesStarted.get(dependency);
        synchronized (probing.get(dependency)) {
            if (asked != Long.MAX_VALUE && started.get() > asked) {
                return;
            }
            started.incrementAndGet();
            RuntimeException failure = null;
            try {
                probes.get(dependency).probe();
            } catch (RuntimeException e) {
                failure = e;
            }
            record(dependency, failure);
        }
    }

    private void record(Dependency dependency, RuntimeException failure) {
        boolean changed;
        synchronized (this) {
            Instant since = downSince.get(dependency);
            changed = (failure == null) == (since != null);
            if (failure != null && since == null) {
                downSince.put(dependency, clock.instant());
                log.warn("Dependency({}) is unavailable ({}); no job starts until it answers again",
                        dependency.label(), reason(failure));
            } else if (failure == null && since != null) {
                downSince.remove(dependency);
                log.info("Dependency({}) answers again after {} ms; jobs start again", dependency.label(),
                        Duration.between(since, clock.instant()).toMillis());
            }
            notifyAll();
        }
        if (changed) {
            for (Runnable listener : listeners) {
                try {
                    listener.run();
                } catch (RuntimeException e) {
                    log.warn("a listener of Dependency({}) failed: {}", dependency.label(), e.toString());
                }
            }
        }
    }

    private static String reason(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        return failure == cause ? message : failure.getMessage() + ": " + message;
    }
}
