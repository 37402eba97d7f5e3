package dev.kiff.core.session;

import dev.kiff.model.failure.PermanentFailure;
import java.util.UUID;

/**
 * No session with this id exists for this tenant. Another tenant's session is "not found" too: its existence is not
 * the caller's business.
 */
public class SessionNotFoundException extends PermanentFailure {

    public SessionNotFoundException(UUID id) {
        super("no session with id " + id);
    }
}
