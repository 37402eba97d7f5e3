package dev.kiff.api.session;

import dev.kiff.core.session.SessionSettings;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Agent sessions ({@code kiff.sessions.*}): how long they may live, how long the API waits for them, when it gives
 * up on a worker.
 *
 * @param defaultIdleTimeout     a session's idle timeout when its request names none (default 5m)
 * @param maxIdleTimeout         the longest idle timeout a request may ask for; more is refused (default 1h)
 * @param defaultMaxLifetime     a session's lifetime when its request names none (default 1h)
 * @param maxMaxLifetime         the longest lifetime a request may ask for; more is refused (default 24h)
 * @param createTimeout          how long an open waits for a worker with an idle sandbox of its type before the
 *                               session ends EXPIRED (default 30s)
 * @param lostAfter              how long a worker may go without renewing its lease on a session before the session
 *                               ends LOST; several of the worker's renewal periods (default 30s)
 * @param defaultMaxOpenSessions the open-session quota of a tenant with no row in the database (a configured dev
 *                               tenant); a tenant's row says {@code max_open_sessions} (default 5)
 * @param maxFileSize            the largest file {@code PUT /v1/sessions/{id}/files/{path}} takes, in bytes (default
 *                               4 MiB); the job topics' record size bounds it
 * @param quotaRetryAfter        the {@code Retry-After} of a create refused by the quota (default 10s)
 * @param defaultWait            how long a create or a run waits for READY or for its result when the request names
 *                               no {@code ?wait=} (default 30s)
 * @param tick                   how often the supervisor looks for stale leases and unclaimed opens (default 1s)
 * @param createRecheck          how often a create waiting for READY reads the store without having heard the
 *                               session's move on {@code kiff.session-events}: the move wakes the wait at once, and this
 *                               only covers an event that was lost (publishing it is best effort) (default 1s)
 */
@Validated
@ConfigurationProperties("kiff.sessions")
public record SessionProperties(
        @NotNull Duration defaultIdleTimeout,
        @NotNull Duration maxIdleTimeout,
        @NotNull Duration defaultMaxLifetime,
        @NotNull Duration maxMaxLifetime,
        @NotNull Duration createTimeout,
        @NotNull Duration lostAfter,
        @Min(0) @Max(10_000) int defaultMaxOpenSessions,
        @Min(1) @Max(8 * 1024 * 1024) int maxFileSize,
        @NotNull Duration quotaRetryAfter,
        @NotNull Duration defaultWait,
        @NotNull Duration tick,
        @NotNull Duration createRecheck) {

    /** The domain's view of these bounds. */
    public SessionSettings settings() {
        return new SessionSettings(defaultIdleTimeout, maxIdleTimeout, defaultMaxLifetime, maxMaxLifetime,
                createTimeout, lostAfter, defaultMaxOpenSessions, maxFileSize, quotaRetryAfter);
    }
}
