package dev.kiff.api.events;

import dev.kiff.model.failure.PermanentFailure;

/** A tenant, or the instance, holds as many event streams as it may: 429 for a tenant, 503 for the instance. */
public class TooManyStreamsException extends PermanentFailure {

    /** Whose limit was reached. */
    public enum Scope { TENANT, INSTANCE }

    private final Scope scope;
    private final int limit;

    public TooManyStreamsException(Scope scope, int limit, String message) {
        super(message);
        this.scope = scope;
        this.limit = limit;
    }

    public Scope scope() {
        return scope;
    }

    public int limit() {
        return limit;
    }
}
