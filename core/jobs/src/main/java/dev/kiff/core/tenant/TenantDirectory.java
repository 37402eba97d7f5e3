package dev.kiff.core.tenant;

import java.util.Optional;

/** Where tenants and their API keys are kept. */
public interface TenantDirectory {

    /** The tenant a key (given as its {@link ApiKey#hash}) belongs to. */
    Optional<Tenant> findByKeyHash(String keyHash);

    Optional<Tenant> find(String id);

    /** Stores a new tenant with its first key. False when a tenant of that id exists. */
    boolean create(Tenant tenant, ApiKey key);

    /** Adds a key to an existing tenant; a key it has already is kept as it is. */
    void addKey(String tenantId, ApiKey key);

    /** Replaces the tenant's quotas. False when there is no such tenant. */
    boolean updateQuotas(String tenantId, Quotas quotas);

    /** How many of the tenant's jobs have not ended (QUEUED or RUNNING). */
    int unfinishedJobs(String tenantId);
}
