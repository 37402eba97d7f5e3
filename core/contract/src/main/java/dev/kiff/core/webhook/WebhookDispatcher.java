package dev.kiff.core.webhook;

import dev.kiff.core.failure.TransientFailure;
import dev.kiff.core.tenant.Tenant;
import dev.kiff.core.tenant.TenantDirectory;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where webhooks are sent. Each {@link #tick()} claims the deliveries that are due and sends them on the
 * dispatcher's own threads, signed with the tenant's secret; every try is recorded, a failed one is tried again
 * after {@link WebhookBackoff}. Nothing here runs on a worker: a slow receiver delays only its own deliveries.
 */
public final class WebhookDispatcher {

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

    private final WebhookRepository deliveries;
    private final TenantDirectory tenants;
    private final WebhookTransport transport;
    private final WebhookBackoff backoff;
    private final Executor senders;
    private final Clock clock;
    private final Duration claim;
    private final int batchSize;

    /**
     * @param senders   the threads deliveries are sent on
     * @param claim     how long a claimed delivery is kept from other dispatchers: longer than one send can take
     * @param batchSize the most deliveries claimed per tick
     */
    public WebhookDispatcher(WebhookRepository deliveries, TenantDirectory tenants, WebhookTransport transport,
            WebhookBackoff backoff, Executor senders, Clock clock, Duration claim, int batchSize) {
        this.deliveries = deliveries;
        this.tenants = tenants;
        this.transport = transport;
        this.backoff = backoff;
        this.senders = senders;
        this.clock = clock;
        this.claim = claim;
        this.batchSize = batchSize;
    }

    /** Claims the due deliveries and starts sending them. Returns how many it claimed. */
    public int tick() {
        Instant now = clock.instant();
        List<WebhookDelivery> due = deliveries.claimDue(now, now.plus(claim), batchSize);
        for (WebhookDelivery delivery : due) {
            senders.execute(() -> send(delivery));
        }
        return due.size();
    }

    /** One try at the delivery, recorded. Never throws. */
    void send(WebhookDelivery delivery) {
        int attempt = delivery.attempts().size() + 1;
        Instant at = clock.instant();
        Integer status = null;
        String error = null;
        Optional<Tenant> tenant = tenants.find(delivery.tenant());
        try {
            if (tenant.isEmpty()) {
                error = "tenant " + delivery.tenant() + " has no webhook secret";
            } else {
                status = transport.post(URI.create(delivery.url()), headers(delivery, tenant.get(), at),
                        delivery.payload());
            }
        } catch (TransientFailure | IllegalArgumentException e) {
            error = e.getMessage();
        }
        long took = Duration.between(at, clock.instant()).toMillis();
        WebhookAttempt tried = new WebhookAttempt(attempt, at, status, error, took);
        try {
            if (tried.delivered()) {
                deliveries.recordAttempt(delivery.id(), tried, WebhookDelivery.DELIVERED, null);
                log.info("{} delivered to {} ({}) on try {}", delivery, delivery.url(), status, attempt);
            } else if (backoff.exhausted(attempt) || tenant.isEmpty()) {
                deliveries.recordAttempt(delivery.id(), tried, WebhookDelivery.FAILED, null);
                log.warn("{} to {} given up after {} tries: {}", delivery, delivery.url(), attempt,
                        status != null ? "status " + status : error);
            } else {
                Instant next = clock.instant().plus(backoff.delayAfter(attempt, ThreadLocalRandom.current().nextDouble()));
                deliveries.recordAttempt(delivery.id(), tried, WebhookDelivery.PENDING, next);
                log.info("{} to {} failed try {} ({}); next try at {}", delivery, delivery.url(), attempt,
                        status != null ? "status " + status : error, next);
            }
        } catch (RuntimeException e) {
            // The claim runs out and the delivery is tried again: at least once, never lost.
            log.error("{} try {} could not be recorded: {}", delivery, attempt, e.getMessage(), e);
        }
    }

    private static Map<String, String> headers(WebhookDelivery delivery, Tenant tenant, Instant at) {
        long timestamp = at.getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put(WebhookSignature.EVENT_HEADER, delivery.event());
        headers.put(WebhookSignature.DELIVERY_HEADER, delivery.id().toString());
        headers.put(WebhookSignature.TIMESTAMP_HEADER, String.valueOf(timestamp));
        headers.put(WebhookSignature.SIGNATURE_HEADER,
                WebhookSignature.sign(tenant.webhookSecret(), timestamp, delivery.payload()));
        return headers;
    }
}
