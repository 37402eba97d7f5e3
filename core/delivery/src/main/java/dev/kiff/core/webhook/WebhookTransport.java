package dev.kiff.core.webhook;

import java.net.URI;
import java.util.Map;

/** Sends one HTTP POST to a receiver; the only thing a webhook needs of the network. */
public interface WebhookTransport {

    /**
     * @return the receiver's status code
     * @throws dev.kiff.model.failure.TransientFailure when no answer came (refused, timed out, reset)
     */
    int post(URI url, Map<String, String> headers, byte[] body);
}
