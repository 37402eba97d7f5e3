package dev.kiff.core.webhook;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Where webhook deliveries wait, and where every try is recorded for the tenant to read. */
public interface WebhookRepository {

    /** Stores a PENDING delivery. False when its job's (or batch's) delivery of that event exists already. */
    boolean enqueue(WebhookDelivery delivery);

    /**
     * Claims up to {@code limit} PENDING deliveries due at {@code now}, of tenants other than {@code skipTenants}
     * (those with no sender to spare): none is handed to another caller (of any process) before
     * {@code claimUntil}, so a sender that dies leaves them to be sent again after that.
     */
    List<WebhookDelivery> claimDue(Instant now, Instant claimUntil, int limit, Set<String> skipTenants);

    /** Claims due deliveries of any tenant. */
    default List<WebhookDelivery> claimDue(Instant now, Instant claimUntil, int limit) {
        return claimDue(now, claimUntil, limit, Set.of());
    }

    /** Hands a claimed delivery back unsent, due again at {@code dueAt}. */
    void release(UUID deliveryId, Instant dueAt);

    /** Records a try and where the delivery stands after it: PENDING again at {@code nextAttemptAt}, or done. */
    void recordAttempt(UUID deliveryId, WebhookAttempt attempt, String status, Instant nextAttemptAt);

    /** The deliveries of a job's events, with their tries. */
    List<WebhookDelivery> forJob(UUID jobId);

    /** The deliveries of a batch's own events, with their tries. */
    List<WebhookDelivery> forBatch(UUID batchId);
}
