package dev.kiff.core.session;

import java.time.Duration;

/**
 * The platform's bounds on sessions (the API's {@code kiff.sessions.*}).
 *
 * @param defaultIdleTimeout     a session's idle timeout when its request names none
 * @param maxIdleTimeout         the longest idle timeout a request may ask for
 * @param defaultMaxLifetime     a session's lifetime when its request names none
 * @param maxMaxLifetime         the longest lifetime a request may ask for
 * @param createTimeout          how long an open may wait for a worker to claim it before the session EXPIRES
 * @param lostAfter              how long a claiming worker may go without renewing its lease before its sessions are
 *                               LOST
 * @param defaultMaxOpenSessions the open-session quota of a tenant the store has no row for
 * @param maxFileBytes           the largest file a session's files API takes
 * @param quotaRetryAfter        the {@code Retry-After} of a create refused by the quota
 */
public record SessionSettings(
        Duration defaultIdleTimeout,
        Duration maxIdleTimeout,
        Duration defaultMaxLifetime,
        Duration maxMaxLifetime,
        Duration createTimeout,
        Duration lostAfter,
        int defaultMaxOpenSessions,
        int maxFileBytes,
        Duration quotaRetryAfter) {

    /** The design's defaults: 5 min idle (1 h at most), 1 h lifetime (24 h at most), 5 open sessions, 4 MiB files. */
    public static final SessionSettings DEFAULT = new SessionSettings(Duration.ofMinutes(5), Duration.ofHours(1),
            Duration.ofHours(1), Duration.ofHours(24), Duration.ofSeconds(30), Duration.ofSeconds(30), 5,
            4 * 1024 * 1024, Duration.ofSeconds(10));

    public SessionSettings {
        if (defaultIdleTimeout.compareTo(maxIdleTimeout) > 0 || defaultMaxLifetime.compareTo(maxMaxLifetime) > 0) {
            throw new IllegalArgumentException("a session default must not exceed its maximum");
        }
        if (defaultIdleTimeout.isNegative() || defaultIdleTimeout.isZero() || defaultMaxLifetime.isNegative()
                || defaultMaxLifetime.isZero() || createTimeout.isNegative() || createTimeout.isZero()
                || lostAfter.isNegative() || lostAfter.isZero() || defaultMaxOpenSessions < 0 || maxFileBytes < 1) {
            throw new IllegalArgumentException("session durations must be positive, quotas and sizes not negative");
        }
    }
}
