package dev.kiff.model.control;

import dev.kiff.model.job.VmType;
import java.time.Instant;
import java.util.Map;

/**
 * What the scheduler asks of one worker, on {@code kiff.control.targets}: how many sandboxes to
 * keep per VM type. The latest record per worker wins; the worker converges to it.
 *
 * @param decidedBy the scheduler instance that decided (the leader at the time)
 */
public record PoolTargets(int v, String workerId, Map<VmType, Integer> targets, Instant decidedAt,
        String decidedBy) {

    public static final int VERSION = 1;

    public PoolTargets {
        targets = Map.copyOf(targets);
    }
}
