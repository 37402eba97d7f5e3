package dev.kiff.core.webhook;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * A {@link WebhookRepository} in memory: one delivery per (job, event) and per (batch, event), claims that keep a
 * delivery from being handed out twice until they run out. Not thread-safe.
 */
public final class InMemoryWebhookRepository implements WebhookRepository {

    private final Map<UUID, WebhookDelivery> deliveries = new LinkedHashMap<>();
    private final Map<UUID, Instant> claimedUntil = new HashMap<>();

    /** Every delivery stored, in the order they were queued. */
    public List<WebhookDelivery> all() {
        return List.copyOf(deliveries.values());
    }

    /** The stored delivery, failing the test when there is none. */
    public WebhookDelivery get(UUID id) {
        WebhookDelivery delivery = deliveries.get(id);
        if (delivery == null) {
            throw new AssertionError("no webhook delivery " + id);
        }
        return delivery;
    }

    @Override
    public boolean enqueue(WebhookDelivery delivery) {
        boolean exists = deliveries.values().stream().anyMatch(d -> d.event().equals(delivery.event())
                && (delivery.jobId() != null ? delivery.jobId().equals(d.jobId())
                        : d.jobId() == null && Objects.equals(d.batchId(), delivery.batchId())));
        if (exists || deliveries.containsKey(delivery.id())) {
            return false;
        }
        deliveries.put(delivery.id(), delivery);
        return true;
    }

    @Override
    public void release(UUID deliveryId, Instant dueAt) {
        claimedUntil.remove(deliveryId);
        WebhookDelivery d = get(deliveryId);
        deliveries.put(deliveryId, new WebhookDelivery(d.id(), d.tenant(), d.event(), d.jobId(), d.batchId(), d.url(),
                d.payload(), d.status(), dueAt, d.createdAt(), d.deliveredAt(), d.attempts()));
    }

    @Override
    public List<WebhookDelivery> claimDue(Instant now, Instant claimUntil, int limit, Set<String> skipTenants) {
        List<WebhookDelivery> due = new ArrayList<>();
        for (WebhookDelivery d : deliveries.values()) {
            Instant claim = claimedUntil.get(d.id());
            if (due.size() < limit && !skipTenants.contains(d.tenant()) && d.status().equals(WebhookDelivery.PENDING) && !d.nextAttemptAt().isAfter(now)
                    && (claim == null || !claim.isAfter(now))) {
                claimedUntil.put(d.id(), claimUntil);
                due.add(d);
            }
        }
        return due;
    }

    @Override
    public void recordAttempt(UUID deliveryId, WebhookAttempt attempt, String status, Instant nextAttemptAt) {
        WebhookDelivery d = get(deliveryId);
        List<WebhookAttempt> attempts = new ArrayList<>(d.attempts());
        attempts.add(attempt);
        deliveries.put(deliveryId, new WebhookDelivery(d.id(), d.tenant(), d.event(), d.jobId(), d.batchId(), d.url(),
                d.payload(), status, nextAttemptAt, d.createdAt(),
                status.equals(WebhookDelivery.DELIVERED) ? attempt.at() : null, attempts));
        claimedUntil.remove(deliveryId);
    }

    @Override
    public List<WebhookDelivery> forJob(UUID jobId) {
        return deliveries.values().stream().filter(d -> jobId.equals(d.jobId())).toList();
    }

    @Override
    public List<WebhookDelivery> forBatch(UUID batchId) {
        return deliveries.values().stream().filter(d -> d.jobId() == null && batchId.equals(d.batchId())).toList();
    }
}
