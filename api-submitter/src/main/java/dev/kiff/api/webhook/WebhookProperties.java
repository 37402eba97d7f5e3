package dev.kiff.api.webhook;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How webhooks are sent ({@code kiff.webhooks.*}).
 *
 * @param tick           how often due deliveries are looked for
 * @param senders        threads sending deliveries at once (per API instance)
 * @param connectTimeout how long to wait for a receiver to accept the connection
 * @param timeout        how long a receiver may stay silent (each read of its answer)
 * @param backoffBase    the nominal delay before the first retry; it doubles with every further one
 * @param backoffCap     the longest delay between two tries
 * @param maxAttempts    tries in all before a delivery is given up as FAILED
 * @param claim          how long a delivery being sent is kept from other instances (longer than {@code deadline})
 * @param deadline       the most one try may take in all, connection, request and answer
 *                       together: a receiver that trickles its answer is cut off then
 * @param perTenant      the most of the {@code senders} one tenant's deliveries may hold at once, so a slow receiver
 *                       of one tenant leaves the others' deliveries threads to go on with
 * @param allow          {@code KIFF_WEBHOOK_ALLOW}: comma-separated CIDR blocks ({@code 10.20.0.0/16},
 *                       {@code 127.0.0.1/32}) and {@code host:port} pairs ({@code hooks.internal:8443}) a webhook
 *                       may be sent to although they are loopback, private, link-local or otherwise not public;
 *                       empty (the default) for public addresses only
 */
@Validated
@ConfigurationProperties("kiff.webhooks")
public record WebhookProperties(
        @NotNull Duration tick,
        @Min(1) int senders,
        @NotNull Duration connectTimeout,
        @NotNull Duration timeout,
        @NotNull Duration backoffBase,
        @NotNull Duration backoffCap,
        @Min(1) int maxAttempts,
        @NotNull Duration claim,
        @NotNull Duration deadline,
        @Min(1) int perTenant,
        String allow) {
}
