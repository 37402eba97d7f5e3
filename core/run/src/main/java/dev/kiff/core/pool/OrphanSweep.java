package dev.kiff.core.pool;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the sandboxes of workers that are gone for good: any worker does it for every sandbox on its engine whose
 * worker's last reported state is older than the grace, or who is known only by the tombstone it left. A worker that dies without a word, and
 * never returns under its name, leaves nothing running.
 *
 * <p>Never a live worker's: a sandbox created within the grace is left alone (its worker may not have reported yet);
 * so is one whose worker never reported here at all, which may belong to another Kiff installation sharing the engine
 * (a worker that never returns did report before it died, and the compacted topic keeps its last report; where that
 * report is lost too, the sandbox's own deadline ends it);
 * and nothing is judged until this worker has watched the reports for a whole grace and its own last report came back
 * within it: a view cut off from the reports (the broker away) takes everyone for gone, so it judges no one.
 * {@link #tick()} is driven by the worker's loop; the reports come from the control topic.
 */
public final class OrphanSweep {

    private static final Logger log = LoggerFactory.getLogger(OrphanSweep.class);

    private final SandboxInventory inventory;
    private final String workerId;
    private final Duration grace;
    private final Clock clock;
    private final Instant watchingSince;
    /** Each worker heard of: when its last report was made, or empty when all that is known is that it left. */
    private final Map<String, Optional<Instant>> reports = new ConcurrentHashMap<>();

    /**
     * @param workerId this worker's name: its own sandboxes are its pool's to remove
     * @param grace    how long a worker may stay silent before its sandboxes count as orphans; several of its report
     *                 intervals
     */
    public OrphanSweep(SandboxInventory inventory, String workerId, Duration grace, Clock clock) {
        this.inventory = inventory;
        this.workerId = workerId;
        this.grace = grace;
        this.clock = clock;
        this.watchingSince = clock.instant();
    }

    /** The worker reported its state, made at {@code at}. */
    public void reported(String worker, Instant at) {
        reports.merge(worker, Optional.of(at), (old, now) -> old.isPresent() && old.get().isAfter(at) ? old : now);
    }

    /**
     * The worker said it left (a tombstone). It is judged by its last report all the same: a tombstone hastens
     * nothing (a worker that left removed its own sandboxes), so a forged one cannot take a live worker's; one heard
     * of only by its tombstone is gone.
     */
    public void left(String worker) {
        reports.putIfAbsent(worker, Optional.empty());
    }

    /** Removes the orphans on this engine; returns how many. */
    public int tick() {
        Instant now = clock.instant();
        Instant silentSince = now.minus(grace);
        Optional<Instant> own = reports.getOrDefault(workerId, Optional.empty());
        if (watchingSince.isAfter(silentSince) || own.isEmpty() || own.get().isBefore(silentSince)) {
            return 0;
        }
        int removed = 0;
        for (SandboxInventory.Held sandbox : inventory.sandboxes()) {
            if (sandbox.workerId() == null || sandbox.workerId().equals(workerId)
                    || sandbox.createdAt().isAfter(silentSince)) {
                continue;
            }
            Optional<Instant> last = reports.get(sandbox.workerId());
            boolean gone = last != null && (last.isEmpty() || last.get().isBefore(silentSince));
            if (gone) {
                log.warn("removing sandbox {} of worker {}, {}", sandbox.id(), sandbox.workerId(),
                        last.isEmpty() ? "which left" : "silent since " + last.get());
                try {
                    inventory.remove(sandbox);
                    removed++;
                } catch (RuntimeException e) {
                    log.error("could not remove orphan sandbox {}: {}", sandbox.id(), e.toString());
                }
            }
        }
        return removed;
    }
}
