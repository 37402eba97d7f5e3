package dev.kiff.core.control;

import dev.kiff.core.pool.PoolStatus;
import java.time.Instant;
import java.util.List;

/**
 * What a worker tells the scheduler, every few seconds, on {@link dev.kiff.core.topic.Topics#WORKER_STATES}: its
 * pools per VM type, and how many sandboxes it can hold.
 */
public record WorkerState(int v, String workerId, Instant at, int capacity, List<PoolStatus> pools) {

    public static final int VERSION = 1;

    public WorkerState {
        pools = List.copyOf(pools);
    }
}
