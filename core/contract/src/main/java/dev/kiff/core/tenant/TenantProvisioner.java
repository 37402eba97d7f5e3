package dev.kiff.core.tenant;

import java.security.SecureRandom;
import java.time.Clock;
import dev.kiff.core.job.InvalidJobException;
import dev.kiff.core.job.JobValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where tenants are made: a new tenant gets a fresh API key (shown once) and a webhook signing secret. */
public final class TenantProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TenantProvisioner.class);

    private final TenantDirectory tenants;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public TenantProvisioner(TenantDirectory tenants, Clock clock) {
        this.tenants = tenants;
        this.clock = clock;
    }

    /** A tenant made, with the one copy of its key. */
    public record Provisioned(Tenant tenant, ApiKey key) {
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
        log.info("Tenant(id={}) created with key {}", name, key.prefix());
        return new Provisioned(tenant, key);
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

    private static void checkName(String name) {
        // The name is what every job of the tenant carries: it must pass the jobs' own check.
        if (!JobValidator.validTenant(name)) {
            throw InvalidJobException.of("name", "must be 1 to 64 of a-z, 0-9, '_', '-', starting with a letter or"
                    + " digit");
        }
    }
}
