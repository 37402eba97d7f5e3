package dev.kiff.model.control;

import java.time.Instant;
import java.util.List;

/**
 * What a worker tells the scheduler, every few seconds, on {@code kiff.control.workers}: its
 * pools per VM type, and how many sandboxes it can hold.
 */
public record WorkerState(int v, String workerId, Instant at, int capacity, List<PoolStatus> pools) {

    public static final int VERSION = 1;

    public WorkerState {
        pools = List.copyOf(pools);
    }

    /** Sandboxes holding sessions, all pools together: room the scheduler cannot give to jobs. */
    public int sessions() {
        return pools.stream().mapToInt(PoolStatus::sessions).sum();
    }
}
