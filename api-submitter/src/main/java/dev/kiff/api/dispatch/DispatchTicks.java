package dev.kiff.api.dispatch;

import dev.kiff.core.dispatch.JobDispatcher;
import dev.kiff.spring.BackgroundLoops;
import org.springframework.context.SmartLifecycle;

/** The API's dispatch loop: publishes held jobs as their tenants' windows open. Logs and keeps running. */
public class DispatchTicks implements SmartLifecycle {

    private final JobDispatcher dispatcher;
    private final DispatchProperties properties;
    private BackgroundLoops loops;

    public DispatchTicks(JobDispatcher dispatcher, DispatchProperties properties) {
        this.dispatcher = dispatcher;
        this.properties = properties;
    }

    @Override
    public void start() {
        loops = new BackgroundLoops("kiff-dispatch", 1);
        loops.every("job dispatch", properties.tick(), properties.tick(), dispatcher::tick);
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
