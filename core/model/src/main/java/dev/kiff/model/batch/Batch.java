package dev.kiff.model.batch;

import java.time.Instant;
import java.util.UUID;

/**
 * Jobs submitted together, in one transaction: all accepted or none.
 *
 * @param completedAt when its last job ended; set once, which fires the batch-complete event and webhook
 * @param cancelledAt when the client cancelled it
 */
public record Batch(UUID id, String tenant, int size, String callbackUrl, Instant createdAt, Instant completedAt,
        Instant cancelledAt) {

    @Override
    public String toString() {
        return "Batch(id=" + id + ", size=" + size + ")";
    }
}
