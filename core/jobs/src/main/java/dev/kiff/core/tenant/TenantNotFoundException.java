package dev.kiff.core.tenant;

import dev.kiff.model.failure.PermanentFailure;

/** No tenant of that name exists. */
public class TenantNotFoundException extends PermanentFailure {

    public TenantNotFoundException(String id) {
        super("no tenant named '" + id + "'");
    }
}
