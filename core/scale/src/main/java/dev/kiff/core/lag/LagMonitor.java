package dev.kiff.core.lag;

import dev.kiff.model.failure.TransientFailure;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the latest {@link LagReport}. {@link #tick()} reads once; the app calls it on a timer, tests call it
 * directly. A failed read keeps the last good figures and records the error, and the next tick tries again.
 */
public final class LagMonitor {

    private static final Logger log = LoggerFactory.getLogger(LagMonitor.class);

    private final LagReader reader;
    private final Clock clock;
    private final AtomicReference<LagReport> latest = new AtomicReference<>(LagReport.NONE);

    public LagMonitor(LagReader reader, Clock clock) {
        this.reader = reader;
        this.clock = clock;
    }

    public LagReport tick() {
        LagReport report;
        try {
            report = new LagReport(clock.instant(), reader.read(), null);
        } catch (TransientFailure e) {
            log.warn("reading the consumer lag failed, keeping the last figures: {}", e.getMessage());
            LagReport last = latest.get();
            report = new LagReport(last.readAt(), last.queues(), e.getMessage());
        }
        latest.set(report);
        return report;
    }

    public LagReport latest() {
        return latest.get();
    }
}
