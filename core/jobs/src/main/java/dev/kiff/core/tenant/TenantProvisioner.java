package dev.kiff.core.tenant;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.function.UnaryOperator;
import dev.kiff.model.job.InvalidJobException;
import dev.kiff.core.job.JobValidator;
import dev.kiff.core.trust.ProducerKeys;
import dev.kiff.model.trust.SigningKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where tenants are made: a new tenant gets a fresh API key (shown once), a webhook signing secret and a producer key
 * (for job records its own pipelines produce straight to Kafka).
 */
public final class TenantProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TenantProvisioner.class);

    private final TenantDirectory tenants;
    private final ProducerKeys producerKeys;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public TenantProvisioner(TenantDirectory tenants, ProducerKeys producerKeys, Clock clock) {
        this.tenants = tenants;
        this.producerKeys = producerKeys;
        this.clock = clock;
    }

    /**
     * A tenant made, with the one copy of its API key, and its producer key ({@code kpk.<tenant>.<random>}, see
     * {@link dev.kiff.model.trust.SigningKey}).
     */
    public record Provisioned(Tenant tenant, ApiKey key, String producerKey) {
    }

    /**
     * @throws TenantExistsException when the name is taken
     * @throws InvalidJobException   when the name is not a valid tenant name
     */
    public Provisioned create(String name, Quotas quotas) {
        checkName(name);
        ApiKey key = ApiKey.generate(random);
        Tenant tenant = new Tenant(name, quotas, "whsec_" + ApiKey.randomToken(random), clock.instant());
        if (!tenants.create(tenant, key)) {
            throw new TenantExistsException(name);
        }
        String producerKey = issueProducerKey(name);
        log.info("Tenant(id={}) created with key {}", name, key.prefix());
        return new Provisioned(tenant, key, producerKey);
    }

    /**
     * A new producer key for an existing tenant, replacing the one it had (which stops working at once).
     *
     * @return the key, written out: the only copy the tenant gets
     */
    public String issueProducerKey(String tenant) {
        String key = SigningKey.newProducerKey(tenant, random);
        producerKeys.put(tenant, key);
        log.info("Tenant(id={}) has a new producer key", tenant);
        return key;
    }

    /**
     * Makes sure the tenant exists and accepts {@code key} (the development tenant of {@code ./kiff dev}, whose key
     * is chosen by the operator). An existing tenant keeps its quotas and secret.
     */
    public Tenant ensure(String name, ApiKey key, Quotas quotas) {
        checkName(name);
        Tenant tenant = new Tenant(name, quotas, "whsec_" + ApiKey.randomToken(random), clock.instant());
        if (tenants.create(tenant, key)) {
            log.info("Tenant(id={}) created with key {}", name, key.prefix());
        } else {
            tenants.addKey(name, key);
        }
        return tenants.find(name).orElseThrow();
    }

    /**
     * Changes the tenant's quotas: {@code change} gets the current ones. The session quota holds from the next create
     * (the store reads it in the create's transaction); the job quotas from the tenant's next authenticated request.
     *
     * @throws TenantNotFoundException when there is no such tenant
     */
    public Tenant updateQuotas(String name, UnaryOperator<Quotas> change) {
        Tenant tenant = tenants.find(name).orElseThrow(() -> new TenantNotFoundException(name));
        Quotas quotas = change.apply(tenant.quotas());
        if (!tenants.updateQuotas(name, quotas)) {
            throw new TenantNotFoundException(name);
        }
        log.info("Tenant(id={}) quotas set to {}", name, quotas);
        return tenants.find(name).orElseThrow(() -> new TenantNotFoundException(name));
    }

    private static void checkName(String name) {
        // The name is what every job of the tenant carries: it must pass the jobs' own check.
        if (!JobValidator.validTenant(name)) {
            throw InvalidJobException.of("name", "must be 1 to 64 of a-z, 0-9, '_', '-', starting with a letter or"
                    + " digit");
        }
    }
}
