package dev.kiff.spring;

import java.time.Duration;
import org.springframework.context.SmartLifecycle;

/**
 * One background loop with a thread of its own, started and stopped with the application: for a {@code tick()} that
 * may take long (a purge, a dispatch round) and must delay no other loop. It logs a failed tick and keeps running.
 */
public final class TickLoop implements SmartLifecycle {

    private final String thread;
    private final String what;
    private final Duration every;
    private final Runnable tick;
    private BackgroundLoops loops;

    /**
     * @param thread the thread's name
     * @param what   what the loop does, for its log lines
     */
    public TickLoop(String thread, String what, Duration every, Runnable tick) {
        this.thread = thread;
        this.what = what;
        this.every = every;
        this.tick = tick;
    }

    @Override
    public void start() {
        loops = new BackgroundLoops(thread, 1);
        loops.every(what, every, every, tick);
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
