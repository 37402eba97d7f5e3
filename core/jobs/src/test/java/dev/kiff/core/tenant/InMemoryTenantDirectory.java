package dev.kiff.core.tenant;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link TenantDirectory} in memory. Its count of unfinished jobs is whatever the test sets: the jobs themselves
 * live elsewhere.
 */
public final class InMemoryTenantDirectory implements TenantDirectory {

    private final Map<String, Tenant> tenants = new LinkedHashMap<>();
    private final Map<String, String> keyOwners = new HashMap<>();
    private final Map<String, Integer> unfinished = new HashMap<>();

    /** Stores the tenant (replacing one of the same id), without a key. */
    public InMemoryTenantDirectory with(Tenant tenant) {
        tenants.put(tenant.id(), tenant);
        return this;
    }

    public void setUnfinishedJobs(String tenantId, int count) {
        unfinished.put(tenantId, count);
    }

    @Override
    public Optional<Tenant> findByKeyHash(String keyHash) {
        return Optional.ofNullable(keyOwners.get(keyHash)).map(tenants::get);
    }

    @Override
    public Optional<Tenant> find(String id) {
        return Optional.ofNullable(tenants.get(id));
    }

    @Override
    public boolean create(Tenant tenant, ApiKey key) {
        if (tenants.containsKey(tenant.id())) {
            return false;
        }
        tenants.put(tenant.id(), tenant);
        keyOwners.put(key.hash(), tenant.id());
        return true;
    }

    @Override
    public void addKey(String tenantId, ApiKey key) {
        keyOwners.putIfAbsent(key.hash(), tenantId);
    }

    @Override
    public boolean updateQuotas(String tenantId, Quotas quotas) {
        Tenant tenant = tenants.get(tenantId);
        if (tenant == null) {
            return false;
        }
        tenants.put(tenantId, new Tenant(tenantId, quotas, tenant.webhookSecret(), tenant.createdAt()));
        return true;
    }

    @Override
    public int unfinishedJobs(String tenantId) {
        return unfinished.getOrDefault(tenantId, 0);
    }
}
