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
 * @param timeout        how long a receiver may take to answer
 * @param backoffBase    the nominal delay before the first retry; it doubles with every further one
 * @param backoffCap     the longest delay between two tries
 * @param maxAttempts    tries in all before a delivery is given up as FAILED
 * @param claim          how long a delivery being sent is kept from other instances (longer than a send can take)
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
        @NotNull Duration claim) {
}
