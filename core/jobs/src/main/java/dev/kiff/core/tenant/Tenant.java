package dev.kiff.core.tenant;

import java.time.Instant;

/**
 * Who owns jobs: every job, batch, log and webhook belongs to one tenant, and a tenant sees only its own.
 *
 * @param id            the tenant's name, as jobs carry it
 * @param webhookSecret the key its webhook deliveries are signed with
 */
public record Tenant(String id, Quotas quotas, String webhookSecret, Instant createdAt) {

    @Override
    public String toString() {
        return "Tenant(id=" + id + ")"; // never the secret
    }
}
