package dev.kiff.api;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The API's settings ({@code kiff.api.*}).
 *
 * @param publishTimeout    how long a submission waits for the broker to take the job before answering 503
 * @param maxBodySize       the largest job request body accepted; larger ones get 413 before they are parsed
 * @param maxBatchBodySize  the largest batch request body accepted
 * @param retryAfter        the {@code Retry-After} hint sent with a 503
 * @param maxWait           the longest {@code ?wait=} a client may ask of {@code GET /v1/jobs/{id}}
 * @param pollAfter         the {@code Retry-After} hint on an answer for a job that has not ended yet
 * @param adminKey          the key of the admin API ({@code /v1/admin/**}); empty disables that API
 * @param devTenant         the tenant made at start-up for {@code devTenantKey} (development); empty: none
 * @param devTenantKey      that tenant's API key, chosen by the operator ({@code KIFF_DEV_API_KEY}); empty: none
 * @param authCache         how long a key's tenant and quotas are used before they are read again
 * @param quotaRetryAfter   the {@code Retry-After} for a tenant at its concurrent-jobs quota
 * @param streamTimeout     how long an SSE stream stays open; clients reconnect with {@code Last-Event-ID}
 * @param keepAlive         how often an open SSE stream gets a comment line, so proxies keep it open
 * @param followerBackoff   the pause before a failed result follow-up (webhook, batch completion) is first tried
 *                          again; each further pause is twice the last. A follow-up is never given up: the follower
 *                          pauses (its partition waits) until the database or broker is back
 * @param followerMaxBackoff the longest pause between two tries of a failed result follow-up
 * @param maxAdminBodySize  the largest admin request body ({@code /v1/admin/**}) accepted; larger ones get 413 before
 *                          they are parsed (and only once the admin key was checked)
 * @param maxStreamsPerTenant the most SSE streams one tenant may hold open on this instance; one more gets 429
 * @param maxStreams        the most SSE streams this instance serves, all tenants together; one more gets 503
 * @param streamMaxPending  the most events one SSE stream may have waiting for its client; a client that falls this
 *                          far behind has its stream ended (it reconnects with {@code Last-Event-ID})
 * @param streamSendTimeout how long one write to an SSE client may stay blocked (the client does not read) before
 *                          its stream is ended
 */
@Validated
@ConfigurationProperties("kiff.api")
public record ApiProperties(
        @NotNull Duration publishTimeout,
        @NotNull DataSize maxBodySize,
        @NotNull DataSize maxBatchBodySize,
        @NotNull Duration retryAfter,
        @NotNull Duration maxWait,
        @NotNull Duration pollAfter,
        String adminKey,
        String devTenant,
        String devTenantKey,
        @NotNull Duration authCache,
        @NotNull Duration quotaRetryAfter,
        @NotNull Duration streamTimeout,
        @NotNull Duration keepAlive,
        @NotNull Duration followerBackoff,
        @NotNull DataSize maxAdminBodySize,
        @Positive int maxStreamsPerTenant,
        @Positive int maxStreams,
        @Positive int streamMaxPending,
        @NotNull Duration streamSendTimeout,
        @NotNull Duration followerMaxBackoff) {
}
