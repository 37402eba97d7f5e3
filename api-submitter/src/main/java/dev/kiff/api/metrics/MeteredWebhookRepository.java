package dev.kiff.api.metrics;

import dev.kiff.core.webhook.WebhookAttempt;
import dev.kiff.core.webhook.WebhookDelivery;
import dev.kiff.core.webhook.WebhookRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The webhook store as the dispatcher sees it, counting every recorded try as {@code kiff.webhook.deliveries} by
 * result: {@code delivered}, {@code retrying} (failed, another try is due) or {@code failed} (given up).
 */
public final class MeteredWebhookRepository implements WebhookRepository {

    private final WebhookRepository deliveries;
    private final MeterRegistry meters;

    public MeteredWebhookRepository(WebhookRepository deliveries, MeterRegistry meters) {
        this.deliveries = deliveries;
        this.meters = meters;
        // Every result exported at zero from the start, so that increase() sees the first one.
        for (String result : List.of("delivered", "retrying", "failed")) {
            tries(result);
        }
    }

    @Override
    public boolean enqueue(WebhookDelivery delivery) {
        return deliveries.enqueue(delivery);
    }

    @Override
    public List<WebhookDelivery> claimDue(Instant now, Instant claimUntil, int limit, Set<String> skipTenants) {
        return deliveries.claimDue(now, claimUntil, limit, skipTenants);
    }

    @Override
    public void release(UUID deliveryId, Instant dueAt) {
        deliveries.release(deliveryId, dueAt);
    }

    @Override
    public void recordAttempt(UUID deliveryId, WebhookAttempt attempt, String status, Instant nextAttemptAt) {
        deliveries.recordAttempt(deliveryId, attempt, status, nextAttemptAt);
        tries(result(status)).increment();
    }

    private Counter tries(String result) {
        return Counter.builder("kiff.webhook.deliveries")
                .description("Webhook tries, by result: delivered, retrying (another try is due) or failed (given up)")
                .tag("result", result)
                .register(meters);
    }

    static String result(String status) {
        return switch (status) {
            case WebhookDelivery.DELIVERED -> "delivered";
            case WebhookDelivery.FAILED -> "failed";
            default -> "retrying";
        };
    }

    @Override
    public List<WebhookDelivery> forJob(UUID jobId) {
        return deliveries.forJob(jobId);
    }

    @Override
    public List<WebhookDelivery> forBatch(UUID batchId) {
        return deliveries.forBatch(batchId);
    }
}
