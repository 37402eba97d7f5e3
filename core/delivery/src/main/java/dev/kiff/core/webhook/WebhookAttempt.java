package dev.kiff.core.webhook;

import java.time.Instant;

/**
 * One try at sending a webhook.
 *
 * @param statusCode the receiver's HTTP status, null when no answer came
 * @param error      why the try failed without an answer (refused, timed out), or null
 */
public record WebhookAttempt(int attempt, Instant at, Integer statusCode, String error, long durationMs) {

    /** A 2xx answer: the receiver has it. */
    public boolean delivered() {
        return statusCode != null && statusCode >= 200 && statusCode < 300;
    }
}
