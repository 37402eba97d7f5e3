package dev.kiff.worker.session;

import dev.kiff.core.session.SessionKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The sessions' start and end with the worker. At start, before any feed, the sessions an earlier run of this worker
 * (the same name) left open end LOST: their sandboxes were removed with that run, and a session never restarts
 * empty; without this, a quick restart would renew their lease and hide the loss. At a graceful stop, after the feeds,
 * the sessions held end LOST ("worker W shut down") and their sandboxes go, before the pools close.
 */
public final class SessionSweep implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SessionSweep.class);

    private final SessionKeeper keeper;
    private volatile boolean running;

    public SessionSweep(SessionKeeper keeper) {
        this.keeper = keeper;
    }

    @Override
    public void start() {
        try {
            keeper.sweep();
        } catch (RuntimeException e) {
            // The API's supervisor ends them once their lease runs out, which this worker no longer renews for them.
            log.error("the sessions of an earlier run could not be ended LOST: {}", e.toString());
        }
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        keeper.shutdown();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After the pools start, before the feeds; stops after the feeds, before the pools close. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 150;
    }
}
