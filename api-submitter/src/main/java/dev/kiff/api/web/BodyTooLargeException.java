package dev.kiff.api.web;

import dev.kiff.model.failure.PermanentFailure;

/** A request body passed the cap of its kind while it was read: 413, and nothing of it is parsed further. */
public class BodyTooLargeException extends PermanentFailure {

    private final long limit;

    public BodyTooLargeException(long limit) {
        super("request body exceeds the cap of " + limit + " bytes");
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
