package dev.kiff.core.scale;

import dev.kiff.model.control.PoolTargets;
import dev.kiff.model.failure.TransientFailure;

/** Hands a worker its pool targets. */
public interface TargetPublisher {

    /** @throws TransientFailure when the targets could not be handed over (the next decision tries again) */
    void publish(PoolTargets targets);
}
