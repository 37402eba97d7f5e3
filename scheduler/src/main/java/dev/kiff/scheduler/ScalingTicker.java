package dev.kiff.scheduler;

import dev.kiff.core.scale.PoolScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Drives {@link PoolScheduler#tick()} on the decision interval; a failed round is logged and the next one runs. */
@Component
public class ScalingTicker {

    private static final Logger log = LoggerFactory.getLogger(ScalingTicker.class);

    private final PoolScheduler scheduler;

    public ScalingTicker(PoolScheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Scheduled(fixedDelayString = "${kiff.scheduler.decision-interval}")
    public void tick() {
        try {
            scheduler.tick();
        } catch (RuntimeException e) {
            log.error("pool decision round failed, going on: {}", e.toString(), e);
        }
    }
}
