package dev.kiff.core.webhook;

import java.time.Duration;

/**
 * When a failed delivery is tried again: exponential back-off with jitter. The n-th retry waits between half and
 * all of {@code base * 2^(n-1)}, capped: the jitter spreads receivers' recoveries from a thundering herd, the lower
 * half keeps a retry from coming back at once.
 *
 * @param base        the first retry's nominal delay
 * @param cap         the longest delay
 * @param maxAttempts tries in all before the delivery is given up as FAILED
 */
public record WebhookBackoff(Duration base, Duration cap, int maxAttempts) {

    /**
     * @param attempt the try that just failed (1 for the first)
     * @param random  a number in [0, 1)
     */
    public Duration delayAfter(int attempt, double random) {
        long nominal = base.toMillis() << Math.min(attempt - 1, 30);
        long capped = Math.min(cap.toMillis(), nominal < 0 ? Long.MAX_VALUE : nominal);
        return Duration.ofMillis(capped / 2 + (long) (random * (capped - capped / 2)));
    }

    public boolean exhausted(int attempt) {
        return attempt >= maxAttempts;
    }
}
