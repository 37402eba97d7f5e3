package dev.kiff.core.webhook;

import dev.kiff.model.failure.TransientFailure;
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
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where webhooks are sent. Each {@link #tick()} claims the deliveries that are due and sends them on the
 * dispatcher's own threads, signed with the tenant's secret; every try is recorded, a failed one is tried again
 * after {@link WebhookBackoff}. Nothing here runs on a worker. A tenant has at most {@code perTenant} of the sender
 * threads at a time: a receiver that answers slowly (each try is bounded by the transport) holds only its own
 * tenant's share, and the other tenants' deliveries go on. A try refused by the {@link WebhookTargetPolicy} fails
 * the delivery at once.
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
    private final int perTenant;
    /** Deliveries handed to the senders and not yet done, per tenant. */
    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();

    /** A dispatcher that leaves any tenant all of the senders. */
    public WebhookDispatcher(WebhookRepository deliveries, TenantDirectory tenants, WebhookTransport transport,
            WebhookBackoff backoff, Executor senders, Clock clock, Duration claim, int batchSize) {
        this(deliveries, tenants, transport, backoff, senders, clock, claim, batchSize, Integer.MAX_VALUE);
    }

    /**
     * @param senders   the threads deliveries are sent on
     * @param claim     how long a claimed delivery is kept from other dispatchers: longer than one send can take
     * @param batchSize the most deliveries claimed and not yet sent at once (the senders' count: a delivery waiting
     *                  for a free sender could outlive its claim and be sent twice)
     * @param perTenant the most deliveries of one tenant being sent at once
     */
    public WebhookDispatcher(WebhookRepository deliveries, TenantDirectory tenants, WebhookTransport transport,
            WebhookBackoff backoff, Executor senders, Clock clock, Duration claim, int batchSize, int perTenant) {
        this.deliveries = deliveries;
        this.tenants = tenants;
        this.transport = transport;
        this.backoff = backoff;
        this.senders = senders;
        this.clock = clock;
        this.claim = claim;
        this.batchSize = batchSize;
        this.perTenant = perTenant;
    }

    /**
     * Claims as many due deliveries as there are senders free, of tenants that have a sender to spare, and starts
     * sending them; what a tenant cannot send now is handed back, due at once, for a later tick. Returns how many it
     * started.
     */
    public int tick() {
        Instant now = clock.instant();
        Set<String> busy = new HashSet<>();
        inFlight.forEach((tenant, count) -> {
            if (count >= perTenant) {
                busy.add(tenant);
            }
        });
        int inFlightTotal = inFlight.values().stream().mapToInt(Integer::intValue).sum();
        if (inFlightTotal >= batchSize) {
            return 0;
        }
        List<WebhookDelivery> due = deliveries.claimDue(now, now.plus(claim), batchSize - inFlightTotal, busy);
        int started = 0;
        for (WebhookDelivery delivery : due) {
            if (!reserve(delivery.tenant())) {
                deliveries.release(delivery.id(), now);
                continue;
            }
            try {
                senders.execute(() -> {
                    try {
                        send(delivery);
                    } finally {
                        done(delivery.tenant());
                    }
                });
                started++;
            } catch (RejectedExecutionException e) {
                done(delivery.tenant());
                deliveries.release(delivery.id(), now);
            }
        }
        return started;
    }

    private boolean reserve(String tenant) {
        boolean[] reserved = {false};
        inFlight.compute(tenant, (t, count) -> {
            int now = count == null ? 0 : count;
            if (now >= perTenant) {
                return now;
            }
            reserved[0] = true;
            return now + 1;
        });
        return reserved[0];
    }

    private void done(String tenant) {
        inFlight.computeIfPresent(tenant, (t, count) -> count <= 1 ? null : count - 1);
    }

    /** One try at the delivery, recorded. Never throws. */
    void send(WebhookDelivery delivery) {
        int attempt = delivery.attempts().size() + 1;
        Instant at = clock.instant();
        Integer status = null;
        String error = null;
        Optional<Tenant> tenant = tenants.find(delivery.tenant());
        boolean refused = false;
        try {
            if (tenant.isEmpty()) {
                error = "tenant " + delivery.tenant() + " has no webhook secret";
            } else {
                status = transport.post(URI.create(delivery.url()), headers(delivery, tenant.get(), at),
                        delivery.payload());
            }
        } catch (RefusedWebhookTargetException e) {
            // A later try would only ask the same name again: refused now, the delivery ends.
            error = e.getMessage();
            refused = true;
        } catch (TransientFailure | IllegalArgumentException e) {
            error = e.getMessage();
        }
        long took = Duration.between(at, clock.instant()).toMillis();
        WebhookAttempt tried = new WebhookAttempt(attempt, at, status, error, took);
        try {
            if (tried.delivered()) {
                deliveries.recordAttempt(delivery.id(), tried, WebhookDelivery.DELIVERED, null);
                log.info("{} delivered to {} ({}) on try {}", delivery, delivery.url(), status, attempt);
            } else if (backoff.exhausted(attempt) || tenant.isEmpty() || refused) {
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
