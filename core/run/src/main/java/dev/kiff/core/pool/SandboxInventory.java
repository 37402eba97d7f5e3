package dev.kiff.core.pool;

import java.time.Instant;
import java.util.List;

/**
 * The sandboxes of every worker on this engine, as their labels tell: what an {@link OrphanSweep} looks through to
 * find those whose worker is gone.
 */
public interface SandboxInventory {

    /** One sandbox on the engine: its engine id, the worker whose label it carries, and when it was created. */
    record Held(String id, String workerId, Instant createdAt) {
    }

    /** Every Kiff sandbox on this engine, whichever worker started it and whatever its state. */
    List<Held> sandboxes();

    /** Removes the sandbox and what it had on the host, whatever its state. Never throws for one already gone. */
    void remove(Held sandbox);
}
