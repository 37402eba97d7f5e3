package dev.kiff.api.auth;

import dev.kiff.model.failure.PermanentFailure;

/** The request carries no API key, or one no tenant holds: 401. */
public class UnauthorizedException extends PermanentFailure {

    public UnauthorizedException(String message) {
        super(message);
    }
}
