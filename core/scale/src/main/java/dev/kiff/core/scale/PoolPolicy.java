package dev.kiff.core.scale;

/**
 * The knobs of {@link PoolSizing} for one VM type.
 *
 * @param min               warm slots kept even when idle
 * @param max               warm slots never exceeded (the workers' capacity caps it further)
 * @param targetWaitSeconds how soon a backlog should be drained
 * @param headroom          extra fraction over the steady need, for bursts within one decision period
 * @param activationLag     backlog below which no extra slots are added for draining
 * @param stallSeconds      lag that has not moved for this long is treated as a poison record, not demand
 * @param downHysteresis    scale down only when the need is below the target by more than this fraction
 * @param downCooldownSeconds scale down at most once per this many seconds (scaling up is never delayed)
 */
public record PoolPolicy(int min, int max, double targetWaitSeconds, double headroom, long activationLag,
        double stallSeconds, double downHysteresis, double downCooldownSeconds) {

    /** Defaults that suit sub-second jobs on a small worker. */
    public static PoolPolicy defaults(int min, int max) {
        return new PoolPolicy(min, max, 2.0, 0.25, 1, 30.0, 0.2, 30.0);
    }
}
