package dev.kiff.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.tenant.ApiKey;
import dev.kiff.core.tenant.Quotas;
import dev.kiff.core.tenant.Tenant;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The jOOQ tenant directory on a real PostgreSQL migrated by the real Flyway scripts. */
class JooqTenantDirectoryIT {

    private static final Instant NOW = Instant.parse("2030-01-02T03:05:00.654321Z");
    private static final Instant CREATED_AT = Instant.parse("2030-01-01T00:00:00.000001Z");
    private static final String WORKER = "worker-a";
    private static final SecureRandom RANDOM = new SecureRandom();

    private static Connection connection;
    private static JooqTenantDirectory directory;
    private static JooqJobRepository jobs;

    @BeforeAll
    static void migrateAndConnect() throws SQLException {
        connection = Database.connect();
        DSLContext db = Database.using(connection);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        directory = new JooqTenantDirectory(db, clock);
        jobs = new JooqJobRepository(db, new JobCodec(), clock);
    }

    @AfterAll
    static void disconnect() throws SQLException {
        if (connection != null) {
            connection.close();
        }
    }

    @Test
    void findsACreatedTenantByTheHashOfItsKey() {
        Tenant tenant = tenant(new Quotas(7, 3, 100));
        ApiKey key = ApiKey.generate(RANDOM);

        assertThat(directory.create(tenant, key)).isTrue();

        assertThat(directory.findByKeyHash(key.hash())).contains(tenant);
        assertThat(directory.find(tenant.id())).contains(tenant);
    }

    @Test
    void keepsTheFirstTenantWhenASecondCreateReusesItsId() {
        Tenant first = tenant(new Quotas(7, 3, 100));
        ApiKey firstKey = ApiKey.generate(RANDOM);
        Tenant second = new Tenant(first.id(), Quotas.DEFAULT, "other-secret", CREATED_AT.plusSeconds(60));
        ApiKey secondKey = ApiKey.generate(RANDOM);

        assertThat(directory.create(first, firstKey)).isTrue();
        assertThat(directory.create(second, secondKey)).isFalse();

        assertThat(directory.find(first.id())).contains(first);
        assertThat(directory.findByKeyHash(secondKey.hash())).as("the refused create stored no key").isEmpty();
    }

    @Test
    void resolvesEveryKeyAddedToATenant() {
        Tenant tenant = created(Quotas.DEFAULT);
        ApiKey second = ApiKey.generate(RANDOM);

        directory.addKey(tenant.id(), second);
        directory.addKey(tenant.id(), second);

        assertThat(directory.findByKeyHash(second.hash())).contains(tenant);
    }

    @Test
    void leavesAKeyWithTheTenantThatHasItAlready() {
        Tenant owner = tenant(Quotas.DEFAULT);
        ApiKey key = ApiKey.generate(RANDOM);
        assertThat(directory.create(owner, key)).isTrue();
        Tenant other = created(Quotas.DEFAULT);

        directory.addKey(other.id(), key);

        assertThat(directory.findByKeyHash(key.hash())).contains(owner);
    }

    @Test
    void findsNoTenantForAnUnknownKeyOrId() {
        created(Quotas.DEFAULT);

        assertThat(directory.findByKeyHash(ApiKey.generate(RANDOM).hash())).isEmpty();
        assertThat(directory.find(Jobs.freshTenant())).isEmpty();
    }

    @Test
    void replacesTheQuotasOfAnExistingTenantOnly() {
        Tenant tenant = created(new Quotas(7, 3, 100, 2));
        Quotas raised = new Quotas(70, 30, 1000, 0);

        assertThat(directory.updateQuotas(tenant.id(), raised)).isTrue();
        assertThat(directory.updateQuotas(Jobs.freshTenant(), raised)).isFalse();

        assertThat(directory.find(tenant.id())).hasValueSatisfying(stored -> {
            assertThat(stored.quotas()).isEqualTo(raised);
            assertThat(stored.webhookSecret()).isEqualTo(tenant.webhookSecret());
            assertThat(stored.createdAt()).isEqualTo(tenant.createdAt());
        });
    }

    @Test
    void countsOnlyTheQueuedAndRunningJobsOfTheTenant() {
        Tenant tenant = created(Quotas.DEFAULT);
        Job queued = insert(tenant.id());
        Job running = insert(tenant.id());
        Job succeeded = insert(tenant.id());
        Job cancelled = insert(tenant.id());
        insert(Jobs.freshTenant());
        assertThat(directory.unfinishedJobs(tenant.id())).isEqualTo(4);

        assertThat(jobs.markRunning(running.id(), WORKER, Jobs.STARTED_AT)).hasValue(1);
        assertThat(jobs.markRunning(succeeded.id(), WORKER, Jobs.STARTED_AT)).hasValue(1);
        assertThat(jobs.complete(Jobs.succeeded(succeeded, WORKER, "done\n"))).isTrue();
        assertThat(jobs.cancel(cancelled.id(), JobStatus.QUEUED, "cancelled", Jobs.FINISHED_AT)).isTrue();

        assertThat(directory.unfinishedJobs(tenant.id())).as("%s and %s", queued.id(), running.id()).isEqualTo(2);
        assertThat(directory.unfinishedJobs(Jobs.freshTenant())).isZero();
    }

    private static Tenant tenant(Quotas quotas) {
        return new Tenant(Jobs.freshTenant(), quotas, ApiKey.randomToken(RANDOM), CREATED_AT);
    }

    private static Tenant created(Quotas quotas) {
        Tenant tenant = tenant(quotas);
        assertThat(directory.create(tenant, ApiKey.generate(RANDOM))).isTrue();
        return tenant;
    }

    private static Job insert(String tenant) {
        Job job = Jobs.python("print('tenant job')").tenant(tenant).build();
        assertThat(jobs.insertQueued(job, null)).isTrue();
        return job;
    }
}
