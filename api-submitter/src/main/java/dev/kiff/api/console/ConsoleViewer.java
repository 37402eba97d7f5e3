package dev.kiff.api.console;

import dev.kiff.core.tenant.Tenant;

/**
 * Who is looking at the console: a tenant (sees its own jobs) or the admin ({@code tenant == null}, sees every
 * tenant's). {@code csrfToken} is what the console's forms must send back with every change.
 */
public record ConsoleViewer(Tenant tenant, String csrfToken) {

    public boolean admin() {
        return tenant == null;
    }

    /** The tenant whose data the viewer sees; {@code null}: every tenant's. */
    public String scope() {
        return tenant == null ? null : tenant.id();
    }
}
