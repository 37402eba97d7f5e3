package dev.kiff.core.scale;

import dev.kiff.model.job.VmType;
import java.time.Instant;
import java.util.Map;

/**
 * One decision of the scheduler for one VM type, with everything it was based on.
 *
 * @param signals   what the policy saw
 * @param decision  what the policy said, and why
 * @param perWorker how the total was split over the workers
 * @param leader    the scheduler instance that decided
 */
public record Decision(Instant at, VmType vmType, PoolSignals signals, PoolDecision decision,
        Map<String, Integer> perWorker, String leader) {
}
