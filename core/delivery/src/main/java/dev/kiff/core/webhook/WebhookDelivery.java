package dev.kiff.core.webhook;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A webhook to send: one per job end ({@link #JOB_COMPLETED}) and one per batch completion
 * ({@link #BATCH_COMPLETED}), whatever the redeliveries of the result behind it.
 *
 * @param payload   the exact body sent on every try (the signature covers it and the try's timestamp)
 * @param status    {@link #PENDING} until a try succeeds ({@link #DELIVERED}) or the tries run out ({@link #FAILED})
 * @param attempts  the tries made, oldest first
 */
public record WebhookDelivery(UUID id, String tenant, String event, UUID jobId, UUID batchId, String url,
        byte[] payload, String status, Instant nextAttemptAt, Instant createdAt, Instant deliveredAt,
        List<WebhookAttempt> attempts) {

    public static final String JOB_COMPLETED = "job.completed";
    public static final String BATCH_COMPLETED = "batch.completed";
    public static final String PENDING = "PENDING";
    public static final String DELIVERED = "DELIVERED";
    public static final String FAILED = "FAILED";

    public WebhookDelivery {
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
    }

    @Override
    public String toString() {
        return "Webhook(id=" + id + ", event=" + event + ", status=" + status + ")";
    }
}
