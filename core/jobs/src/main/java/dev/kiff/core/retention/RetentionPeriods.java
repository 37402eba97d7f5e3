package dev.kiff.core.retention;

import java.time.Duration;

/**
 * How long each kind of record is kept. Zero or negative keeps that kind forever.
 *
 * @param jobs      finished jobs, counted from when they ended (their attempts, logs and artifacts go with them)
 * @param logs      log chunks, from when they were written
 * @param artifacts artifacts, from when they were stored
 * @param audit     gateway audit rows, from the call
 * @param webhooks  webhook deliveries that are done, from when they were queued
 * @param sessions  ended sessions (EXPIRED, DELETED, LOST) with their transitions, from when they ended; their runs
 *                  are jobs and follow {@code jobs}
 */
public record RetentionPeriods(Duration jobs, Duration logs, Duration artifacts, Duration audit, Duration webhooks,
        Duration sessions) {

    /** Periods that keep ended sessions forever. */
    public RetentionPeriods(Duration jobs, Duration logs, Duration artifacts, Duration audit, Duration webhooks) {
        this(jobs, logs, artifacts, audit, webhooks, Duration.ZERO);
    }

    /** Whether records kept for {@code period} are ever deleted. */
    public static boolean expires(Duration period) {
        return period != null && !period.isZero() && !period.isNegative();
    }
}
