package dev.kiff.core.console;

import dev.kiff.core.tenant.Quotas;
import java.time.Instant;
import java.util.List;

/** The tenants as the admin's console lists them: quotas and how busy each is, never their keys or secrets. */
public interface TenantBrowser {

    /** A tenant, its quotas, and its jobs not ended yet (QUEUED or RUNNING). */
    record TenantUsage(String id, Quotas quotas, Instant createdAt, int unfinishedJobs) {
    }

    /** The first {@code limit} tenants by name. */
    List<TenantUsage> tenants(int limit);
}
