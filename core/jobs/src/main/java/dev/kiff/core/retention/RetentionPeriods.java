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
 */
public record RetentionPeriods(Duration jobs, Duration logs, Duration artifacts, Duration audit, Duration webhooks) {

    /** Whether records kept for {@code period} are ever deleted. */
    public static boolean expires(Duration period) {
        return period != null && !period.isZero() && !period.isNegative();
    }
}
