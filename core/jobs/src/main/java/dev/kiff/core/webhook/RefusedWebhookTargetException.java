package dev.kiff.core.webhook;

import dev.kiff.model.failure.PermanentFailure;

/**
 * A webhook URL whose host is, or resolves to, an address the {@link WebhookTargetPolicy} refuses. Permanent: no
 * retry sends it, and no connection was made.
 */
public class RefusedWebhookTargetException extends PermanentFailure {

    public RefusedWebhookTargetException(String message) {
        super(message);
    }
}
