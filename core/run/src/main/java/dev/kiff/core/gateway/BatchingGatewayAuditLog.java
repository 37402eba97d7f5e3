package dev.kiff.core.gateway;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link GatewayAuditLog} that never makes a gateway call wait for the database: calls go into a bounded queue
 * that {@link #tick()} writes to the store in batches. When the queue is full (a job flooding its gateway faster
 * than the store takes them), calls are dropped rather than held, counted per job, and each tick writes one
 * {@code audit-dropped} row per such job that says how many, so the audit shows the gap instead of hiding it.
 */
public final class BatchingGatewayAuditLog implements GatewayAuditLog {

    /** The outcome of a row that stands for calls the queue could not hold. */
    public static final String DROPPED = "audit-dropped";

    private static final Logger log = LoggerFactory.getLogger(BatchingGatewayAuditLog.class);

    private final GatewayAuditLog store;
    private final BlockingQueue<GatewayCall> queue;
    private final int batchSize;
    private final Clock clock;
    private final Map<UUID, AtomicLong> droppedByJob = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();

    /**
     * @param store     where the calls go
     * @param capacity  calls held at most between two ticks
     * @param batchSize calls written in one round trip
     */
    public BatchingGatewayAuditLog(GatewayAuditLog store, int capacity, int batchSize, Clock clock) {
        this.store = store;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.batchSize = batchSize;
        this.clock = clock;
    }

    @Override
    public void record(GatewayCall call) {
        if (!queue.offer(call)) {
            dropped.incrementAndGet();
            droppedByJob.computeIfAbsent(call.jobId(), id -> new AtomicLong()).incrementAndGet();
        }
    }

    /**
     * Writes what is queued, in batches, then a summary row for each job whose calls were dropped since the last
     * tick. A batch the store refuses is logged and lost: the loop goes on with the next.
     *
     * @return the calls written (summary rows not counted)
     */
    public int tick() {
        int written = 0;
        List<GatewayCall> batch = new ArrayList<>(batchSize);
        // At most what was queued when the tick began: a flood cannot keep one tick going for ever.
        int budget = queue.size();
        while (written < budget && queue.drainTo(batch, Math.min(batchSize, budget - written)) > 0) {
            written += write(batch);
            batch.clear();
        }
        List<GatewayCall> summaries = new ArrayList<>();
        long lost = 0;
        for (UUID job : List.copyOf(droppedByJob.keySet())) {
            AtomicLong count = droppedByJob.remove(job);
            if (count != null && count.get() > 0) {
                lost += count.get();
                summaries.add(new GatewayCall(job, "_kiff", "-", count.get() + " calls not audited: audit queue full",
                        0, 0, 0, 0, DROPPED, clock.instant()));
            }
        }
        if (!summaries.isEmpty()) {
            log.warn("Gateway audit queue was full: {} calls of {} jobs kept only as a count", lost, summaries.size());
            write(summaries);
        }
        return written;
    }

    /** Calls dropped since this log began, because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Calls waiting for the next tick. */
    public int queued() {
        return queue.size();
    }

    private int write(List<GatewayCall> batch) {
        try {
            store.recordAll(List.copyOf(batch));
            return batch.size();
        } catch (RuntimeException e) {
            log.error("Gateway audit batch of {} calls could not be written: {}", batch.size(), e.toString());
            return 0;
        }
    }
}
