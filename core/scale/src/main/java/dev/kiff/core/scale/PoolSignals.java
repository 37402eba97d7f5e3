package dev.kiff.core.scale;

/**
 * What the scheduler knows about one VM type's queue and pool when it decides.
 *
 * @param lag                job records waiting beyond the workers' committed offsets
 * @param arrivalsPerSecond  recent arrival rate of jobs (smoothed)
 * @param serviceSeconds     recent mean time a sandbox is busy with one job, replacement included
 * @param lagStalledSeconds  how long the lag has been above zero while the committed offsets did not move: a
 *                           poison record, not demand, when it grows while the pool sits idle
 * @param currentTarget      the warm-slot target now in force
 * @param capacity           the most warm slots the workers serving this type can hold: their capacity less the sandboxes
 *                           their sessions hold
 * @param secondsSinceChange seconds since the target last changed
 */
public record PoolSignals(long lag, double arrivalsPerSecond, double serviceSeconds, double lagStalledSeconds,
        int currentTarget, int capacity, double secondsSinceChange) {
}
