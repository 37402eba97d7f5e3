package dev.kiff.model.job;

import java.time.Duration;
import java.time.Instant;

/** When a job was queued, started and finished, and the two spans users care about. */
public record Timings(Instant queuedAt, Instant startedAt, Instant finishedAt, Long queueWaitMs, Long runTimeMs) {

    public static Timings of(Instant queuedAt, Instant startedAt, Instant finishedAt) {
        return new Timings(queuedAt, startedAt, finishedAt, between(queuedAt, startedAt),
                between(startedAt, finishedAt));
    }

    private static Long between(Instant from, Instant to) {
        return from == null || to == null ? null : Duration.between(from, to).toMillis();
    }
}
