package dev.kiff.client;

/** A job or batch did not end within the time a caller was willing to wait; it may still be running. */
public class KiffTimeoutException extends KiffException {

    public KiffTimeoutException(String message) {
        super(message, null);
    }
}
