package dev.kiff.model.control;

import dev.kiff.model.job.VmType;

/**
 * One VM type's pool on one worker, as the worker reports it to the scheduler.
 *
 * @param target   the warm slots the scheduler asked for (idle + busy + starting converge to it)
 * @param idle     sandboxes ready for a job and not reserved for one
 * @param busy     sandboxes running a job (or reserved for one just taken from Kafka)
 * @param starting sandboxes being created
 * @param capacity the most sandboxes of all types this worker holds at once
 * @param served   jobs this pool has run since the worker started
 * @param busySeconds total seconds its sandboxes spent on jobs, for the scheduler's service-time estimate
 * @param sessions sandboxes of this type taken out of the pool to hold sessions: they count against the capacity
 *                 but not the target (absent in an older worker's report: 0)
 */
public record PoolStatus(VmType vmType, int target, int idle, int busy, int starting, int capacity, long served,
        double busySeconds, int sessions) {

    /** A pool holding no session. */
    public PoolStatus(VmType vmType, int target, int idle, int busy, int starting, int capacity, long served,
            double busySeconds) {
        this(vmType, target, idle, busy, starting, capacity, served, busySeconds, 0);
    }

    /** Sandboxes that exist or are on their way. */
    public int warm() {
        return idle + busy + starting;
    }
}
