package dev.kiff.core.tenant;

import dev.kiff.model.failure.PermanentFailure;

/** A tenant of that name exists already. */
public class TenantExistsException extends PermanentFailure {

    public TenantExistsException(String id) {
        super("a tenant named '" + id + "' exists already");
    }
}
