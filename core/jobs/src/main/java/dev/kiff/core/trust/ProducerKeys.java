package dev.kiff.core.trust;

import java.util.Optional;

/**
 * Where tenants' producer keys are kept: issued with the tenant, read by the workers to check the job records a
 * tenant's own pipelines produce.
 */
public interface ProducerKeys {

    /** The tenant's current producer key, written out ({@code kpk.<tenant>.<random>}). */
    Optional<String> find(String tenant);

    /** Stores {@code key} as the tenant's producer key, replacing any it had: the old one stops working at once. */
    void put(String tenant, String key);
}
