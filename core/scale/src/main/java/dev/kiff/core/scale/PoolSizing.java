package dev.kiff.core.scale;

/**
 * The warm-pool sizing policy: one pure function from what the scheduler sees to how many warm slots a VM type
 * should have.
 *
 * <ol>
 *   <li>Steady need (Little's law): slots busy on average = arrivals/s × service seconds; plus headroom.</li>
 *   <li>Backlog: enough extra slots to drain the lag within the target wait — only once the lag reaches the
 *       activation threshold, and not for lag that has stalled (a poison record is not demand).</li>
 *   <li>Clamp to [min, min(max, capacity)].</li>
 *   <li>Up at once; down only when the need is below the target by more than the hysteresis band and the
 *       cool-down since the last change has passed, so pools do not flap.</li>
 * </ol>
 */
public final class PoolSizing {

    private PoolSizing() {
    }

    public static PoolDecision decide(PoolSignals signals, PoolPolicy policy) {
        double busy = signals.arrivalsPerSecond() * signals.serviceSeconds();
        int steady = busy <= 0 ? 0 : (int) Math.ceil(busy * (1 + policy.headroom()));
        boolean stalled = signals.lagStalledSeconds() >= policy.stallSeconds();
        int drain = 0;
        if (!stalled && signals.lag() >= policy.activationLag() && signals.lag() > 0) {
            drain = (int) Math.ceil(signals.lag() * signals.serviceSeconds() / policy.targetWaitSeconds());
        }
        int ceiling = Math.max(policy.min(), Math.min(policy.max(), signals.capacity()));
        int need = Math.max(policy.min(), Math.min(ceiling, steady + drain));
        int current = signals.currentTarget();
        String inputs = "need " + need + " = steady " + steady + " + drain " + drain
                + (stalled ? " (lag stalled " + (long) signals.lagStalledSeconds() + " s: ignored as poison)" : "");
        if (need > current) {
            return new PoolDecision(need, steady, drain, "up: " + inputs);
        }
        if (need < current) {
            boolean outsideBand = need < current * (1 - policy.downHysteresis()) || need == policy.min();
            if (outsideBand && signals.secondsSinceChange() >= policy.downCooldownSeconds()) {
                return new PoolDecision(need, steady, drain, "down: " + inputs);
            }
            return new PoolDecision(current, steady, drain, "hold (hysteresis/cool-down): " + inputs);
        }
        return new PoolDecision(current, steady, drain, "hold: " + inputs);
    }
}
