package dev.kiff.core.tenant;

import dev.kiff.model.failure.TransientFailure;
import java.time.Duration;

/** A request beyond one of the tenant's {@link Quotas}: nothing of it was stored; it may succeed after a while. */
public class QuotaExceededException extends TransientFailure {

    private final String quota;
    private final Duration retryAfter;

    /**
     * @param quota      the quota's name, as {@link Quotas} spells it
     * @param retryAfter when the request may succeed
     */
    public QuotaExceededException(String quota, String message, Duration retryAfter) {
        super(message);
        this.quota = quota;
        this.retryAfter = retryAfter;
    }

    public String quota() {
        return quota;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
