package dev.kiff.scheduler;

import dev.kiff.core.lag.LagMonitor;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Drives {@link LagMonitor#tick()} on the configured interval. */
@Component
public class LagTicker {

    private final LagMonitor monitor;

    public LagTicker(LagMonitor monitor) {
        this.monitor = monitor;
    }

    @Scheduled(fixedDelayString = "${kiff.scheduler.lag-interval}")
    public void tick() {
        monitor.tick();
    }
}
