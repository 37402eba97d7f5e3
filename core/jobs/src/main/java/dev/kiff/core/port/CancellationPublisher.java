package dev.kiff.core.port;

import dev.kiff.model.failure.TransientFailure;
import java.util.UUID;

/** Tells every worker that a running job was cancelled, so that the one running it kills its sandbox at once. */
public interface CancellationPublisher {

    /** @throws TransientFailure when the broker did not take the request */
    void requestKill(UUID jobId);
}
