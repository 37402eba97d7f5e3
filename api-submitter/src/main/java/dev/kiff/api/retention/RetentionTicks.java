package dev.kiff.api.retention;

import dev.kiff.core.retention.RetentionPurge;
import dev.kiff.spring.BackgroundLoops;
import java.time.Duration;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the {@link RetentionPurge} every {@code tick} on a thread of its own, so a long purge delays neither webhooks
 * nor streams. Every API instance runs it: their batches skip each other's rows.
 */
public class RetentionTicks implements SmartLifecycle {

    private final RetentionPurge purge;
    private final Duration tick;
    private BackgroundLoops loops;

    public RetentionTicks(RetentionPurge purge, Duration tick) {
        this.purge = purge;
        this.tick = tick;
    }

    @Override
    public void start() {
        loops = new BackgroundLoops("kiff-retention", 1);
        loops.every("retention purge", tick, tick, purge::tick);
    }

    @Override
    public void stop() {
        loops.close();
    }

    @Override
    public boolean isRunning() {
        return loops != null && loops.isRunning();
    }
}
