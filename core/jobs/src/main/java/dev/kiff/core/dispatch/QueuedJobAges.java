package dev.kiff.core.dispatch;

import dev.kiff.model.job.VmType;
import java.time.Instant;
import java.util.Map;

/** Where the jobs waiting to run are stored, asked how long the oldest of each VM type has waited. */
public interface QueuedJobAges {

    /**
     * The submission time of the oldest QUEUED job of each VM type that has one: published and waiting for a worker,
     * held for its tenant's window, or back in QUEUED for a retry (counted from its first submission).
     *
     * @throws dev.kiff.model.failure.TransientFailure when the store could not be read
     */
    Map<VmType, Instant> oldestQueued();
}
