package dev.kiff.persistence;

import static dev.kiff.persistence.jooq.Tables.TENANT_PRODUCER_KEYS;

import dev.kiff.core.trust.ProducerKeys;
import java.time.Clock;
import java.util.Optional;
import org.jooq.DSLContext;

/** The {@link ProducerKeys} on PostgreSQL: one current key per tenant. */
public final class JooqProducerKeys implements ProducerKeys {

    private final DSLContext db;
    private final Clock clock;

    public JooqProducerKeys(DSLContext db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public Optional<String> find(String tenant) {
        return db.select(TENANT_PRODUCER_KEYS.PRODUCER_KEY).from(TENANT_PRODUCER_KEYS)
                .where(TENANT_PRODUCER_KEYS.TENANT.eq(tenant))
                .fetchOptional(TENANT_PRODUCER_KEYS.PRODUCER_KEY);
    }

    @Override
    public void put(String tenant, String key) {
        db.insertInto(TENANT_PRODUCER_KEYS)
                .set(TENANT_PRODUCER_KEYS.TENANT, tenant)
                .set(TENANT_PRODUCER_KEYS.PRODUCER_KEY, key)
                .set(TENANT_PRODUCER_KEYS.CREATED_AT, clock.instant())
                .onConflict(TENANT_PRODUCER_KEYS.TENANT).doUpdate()
                .set(TENANT_PRODUCER_KEYS.PRODUCER_KEY, key)
                .set(TENANT_PRODUCER_KEYS.CREATED_AT, clock.instant())
                .execute();
    }
}
