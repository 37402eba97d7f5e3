package dev.kiff.persistence;

import static dev.kiff.persistence.jooq.Tables.JOBS;
import static dev.kiff.persistence.jooq.Tables.TENANTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiff.core.session.SessionRecord;
import dev.kiff.core.session.SessionStore.Creation;
import dev.kiff.core.tenant.ApiKey;
import dev.kiff.core.tenant.Quotas;
import dev.kiff.core.tenant.Tenant;
import dev.kiff.model.job.DisplayItem;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.Limits;
import dev.kiff.model.job.VmType;
import dev.kiff.model.json.JobCodec;
import dev.kiff.model.session.SessionOp;
import dev.kiff.model.session.SessionState;
import dev.kiff.model.session.SessionTransition;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The jOOQ session store on a real PostgreSQL migrated by the real Flyway scripts. */
class JooqSessionStoreIT {

    /** Microseconds only: PostgreSQL keeps no finer part, so round trips compare equal. */
    private static final Instant T0 = Instant.parse("2030-03-04T05:06:07.123456Z");
    private static final Limits LIMITS = new Limits(10_000, 256, 0.5, 64, 65_536);
    private static final SecureRandom RANDOM = new SecureRandom();

    private static Connection connection;
    private static DSLContext db;
    private static JooqSessionStore store;
    private static JooqTenantDirectory tenants;

    @BeforeAll
    static void migrateAndConnect() throws SQLException {
        connection = Database.connect();
        db = Database.using(connection);
        store = storeOn(db);
        tenants = new JooqTenantDirectory(db, Clock.fixed(T0, ZoneOffset.UTC));
    }

    @AfterAll
    static void disconnect() throws SQLException {
        if (connection != null) {
            connection.close();
        }
    }

    private static JooqSessionStore storeOn(DSLContext context) {
        return new JooqSessionStore(context, new JooqJobRepository(context, new JobCodec(), Clock.fixed(T0,
                ZoneOffset.UTC)));
    }

    private static SessionRecord creating(String tenant) {
        return SessionRecord.creating(UUID.randomUUID(), tenant, VmType.CODE_EXEC, LIMITS, List.of("TOKEN"),
                List.of("data/in.csv"), 60_000, 3_600_000, T0);
    }

    private static Job run(String tenant) {
        return Jobs.python("x += 1").tenant(tenant).build();
    }

    /** A tenant with a row in {@code tenants} and {@code maxOpen} as its quota of open sessions. */
    private static String tenantWithQuota(int maxOpen) {
        Tenant tenant = new Tenant(Jobs.freshTenant(), Quotas.DEFAULT, "secret", T0);
        assertThat(tenants.create(tenant, ApiKey.generate(RANDOM))).isTrue();
        db.update(TENANTS).set(TENANTS.MAX_OPEN_SESSIONS, maxOpen).where(TENANTS.ID.eq(tenant.id())).execute();
        return tenant.id();
    }

    @Test
    void transitionsAreConditional() {
        String tenant = Jobs.freshTenant();
        SessionRecord session = creating(tenant);
        UUID id = session.id();
        assertThat(store.create(session, "hash", 5)).isEqualTo(Creation.CREATED);
        assertThat(store.create(session, "hash", 5)).as("same id again").isEqualTo(Creation.DUPLICATE);

        assertThat(store.ready(id, "w1", T0)).as("READY needs the claim").isFalse();
        assertThat(store.claim(id, "w1", "kiff.session-runs.w1", T0, T0.minusSeconds(30))).isTrue();
        assertThat(store.claim(id, "w2", "kiff.session-runs.w2", T0, T0.minusSeconds(30)))
                .as("a fresh lease keeps the claim").isFalse();
        assertThat(store.ready(id, "w2", T0.plusMillis(1))).as("only the claiming worker").isFalse();
        assertThat(store.ready(id, "w1", T0.plusMillis(1))).isTrue();
        assertThat(store.ready(id, "w1", T0.plusMillis(2))).as("READY once").isFalse();

        Job first = run(tenant);
        SessionRecord busy = store.startRun(id, tenant, first, SessionOp.RUN, null, T0.plusMillis(3)).orElseThrow();
        assertThat(busy.state()).isEqualTo(SessionState.BUSY);
        assertThat(busy.currentRun()).isEqualTo(first.id());
        assertThat(busy.runTopic()).isEqualTo("kiff.session-runs.w1");
        assertThat(busy.runs()).isEqualTo(1);

        Job second = run(tenant);
        SessionRecord refused = store.startRun(id, tenant, second, SessionOp.RUN, null, T0.plusMillis(4))
                .orElseThrow();
        assertThat(refused.state()).as("one run at a time").isEqualTo(SessionState.BUSY);
        assertThat(refused.currentRun()).isEqualTo(first.id());
        assertThat(db.fetchExists(JOBS, JOBS.ID.eq(second.id()))).as("the refused run stored no job").isFalse();
        assertThat(store.startRun(id, Jobs.freshTenant(), run(tenant), SessionOp.RUN, null, T0.plusMillis(4)))
                .as("another tenant's session is not found").isEmpty();

        var firstRow = db.selectFrom(JOBS).where(JOBS.ID.eq(first.id())).fetchOne();
        assertThat(firstRow.getSessionId()).isEqualTo(id);
        assertThat(firstRow.getSessionOp()).as("a code run").isNull();
        assertThat(firstRow.getStatus()).isEqualTo(JobStatus.QUEUED);
        assertThat(firstRow.getPublishedAt()).as("never left to the job dispatcher").isNotNull();

        assertThat(store.runEnded(id, second.id(), true, null, T0.plusMillis(5))).as("not its current run").isFalse();
        assertThat(store.runEnded(id, first.id(), true, null, T0.plusMillis(5))).isTrue();
        assertThat(store.runEnded(id, first.id(), true, null, T0.plusMillis(6))).as("IDLE once").isFalse();

        Job put = run(tenant);
        store.startRun(id, tenant, put, SessionOp.PUT, null, T0.plusMillis(7)).orElseThrow();
        assertThat(db.selectFrom(JOBS).where(JOBS.ID.eq(put.id())).fetchOne().getSessionOp()).isEqualTo("PUT");
        assertThat(store.runNotSent(id, put.id(), T0.plusMillis(8))).isTrue();

        assertThat(store.end(id, Jobs.freshTenant(), SessionState.OPEN, SessionState.DELETED, "deleted",
                T0.plusMillis(9))).as("another tenant cannot delete it").isEmpty();
        SessionRecord deleted = store.end(id, tenant, SessionState.OPEN, SessionState.DELETED, "deleted by the tenant",
                T0.plusMillis(9)).orElseThrow();
        assertThat(deleted.state()).isEqualTo(SessionState.DELETED);
        assertThat(deleted.endedAt()).isEqualTo(T0.plusMillis(9));
        assertThat(store.end(id, null, SessionState.OPEN, SessionState.LOST, "late", T0.plusMillis(10)))
                .as("nothing leaves an ended state").isEmpty();
        assertThat(store.runEnded(id, put.id(), true, null, T0.plusMillis(10))).isFalse();
        assertThatThrownBy(() -> store.end(id, null, EnumSet.of(SessionState.LOST), SessionState.EXPIRED, "x", T0))
                .as("a move the table does not have is a bug, not a lost race")
                .isInstanceOf(dev.kiff.model.session.IllegalTransitionException.class);

        assertThat(store.transitions(id)).extracting(SessionTransition::seq, SessionTransition::state,
                        SessionTransition::runId)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, SessionState.CREATING, null),
                        org.assertj.core.groups.Tuple.tuple(2, SessionState.READY, null),
                        org.assertj.core.groups.Tuple.tuple(3, SessionState.BUSY, first.id()),
                        org.assertj.core.groups.Tuple.tuple(4, SessionState.IDLE, first.id()),
                        org.assertj.core.groups.Tuple.tuple(5, SessionState.BUSY, put.id()),
                        org.assertj.core.groups.Tuple.tuple(6, SessionState.IDLE, put.id()),
                        org.assertj.core.groups.Tuple.tuple(7, SessionState.DELETED, null));
        assertThat(store.transitions(id).get(6).reason()).isEqualTo("deleted by the tenant");

        SessionRecord found = store.find(id).orElseThrow();
        assertThat(found.limits()).isEqualTo(LIMITS);
        assertThat(found.envNames()).containsExactly("TOKEN");
        assertThat(found.fileNames()).containsExactly("data/in.csv");
        assertThat(found.runs()).isEqualTo(2);
    }

    @Test
    void aRunWhoseJobRowCannotBeStoredLeavesTheSessionAsItWas() {
        String tenant = Jobs.freshTenant();
        SessionRecord session = ready(tenant);
        Job taken = run(tenant);
        JooqJobRepository jobs = new JooqJobRepository(db, new JobCodec(), Clock.fixed(T0, ZoneOffset.UTC));
        assertThat(jobs.insertQueued(taken, null)).isTrue();

        assertThatThrownBy(() -> store.startRun(session.id(), tenant, Jobs.python("1").id(taken.id()).tenant(tenant)
                .build(), SessionOp.RUN, null, T0.plusSeconds(1)))
                .as("the run's id is taken").isInstanceOf(DataAccessException.class);

        SessionRecord after = store.find(session.id()).orElseThrow();
        assertThat(after.state()).as("BUSY was rolled back with the job row").isEqualTo(SessionState.READY);
        assertThat(after.runs()).isZero();
        assertThat(store.transitions(session.id())).extracting(SessionTransition::state)
                .containsExactly(SessionState.CREATING, SessionState.READY);
    }

    @Test
    void aSessionRunsStoredResultCarriesItsSessionAndDisplay() {
        String tenant = Jobs.freshTenant();
        SessionRecord session = ready(tenant);
        Job run = run(tenant);
        store.startRun(session.id(), tenant, run, SessionOp.RUN, null, T0.plusSeconds(1)).orElseThrow();
        JooqJobRepository jobs = new JooqJobRepository(db, new JobCodec(), Clock.fixed(T0, ZoneOffset.UTC));
        jobs.markRunning(run.id(), "w-lease-" + session.id(), Jobs.STARTED_AT);
        List<DisplayItem> display = List.of(new DisplayItem("text/plain", "42", null, 2),
                new DisplayItem("image/png", null, "display/1.png", 1234));

        assertThat(jobs.complete(Jobs.succeeded(run, "w-lease-" + session.id(), "").inSession(session.id(),
                display))).isTrue();

        var stored = jobs.find(run.id()).orElseThrow().state();
        assertThat(stored.sessionId()).isEqualTo(session.id());
        assertThat(stored.display()).isEqualTo(display);
        Job plain = Jobs.python("1").tenant(tenant).build();
        jobs.insertQueued(plain, null);
        assertThat(jobs.find(plain.id()).orElseThrow().state().sessionId()).as("a plain job").isNull();
        assertThat(jobs.find(plain.id()).orElseThrow().state().display()).isEmpty();
    }

    @Test
    void quotaHoldsUnderConcurrentCreates() throws Exception {
        String tenant = tenantWithQuota(3);
        int creators = 12;
        ExecutorService pool = Executors.newFixedThreadPool(creators);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Creation>> outcomes = new ArrayList<>();
        try {
            for (int i = 0; i < creators; i++) {
                outcomes.add(pool.submit(() -> {
                    try (Connection own = Database.connect()) {
                        JooqSessionStore mine = storeOn(Database.using(own));
                        start.await();
                        return mine.create(creating(tenant), null, 100);
                    }
                }));
            }
            start.countDown();
            List<Creation> results = new ArrayList<>();
            for (Future<Creation> outcome : outcomes) {
                results.add(outcome.get(60, TimeUnit.SECONDS));
            }
            assertThat(results).filteredOn(c -> c == Creation.CREATED).hasSize(3);
            assertThat(results).filteredOn(c -> c == Creation.QUOTA_EXCEEDED).hasSize(creators - 3);
        } finally {
            pool.shutdownNow();
        }
        List<SessionRecord> open = store.list(tenant, true, null, 100);
        assertThat(open).hasSize(3);

        store.end(open.get(0).id(), tenant, SessionState.OPEN, SessionState.DELETED, "deleted", T0);
        assertThat(store.create(creating(tenant), null, 100)).as("an ended session frees its place")
                .isEqualTo(Creation.CREATED);
        assertThat(store.create(creating(tenant), null, 100)).isEqualTo(Creation.QUOTA_EXCEEDED);
        assertThat(store.list(tenant, false, null, 100)).hasSize(4);
    }

    @Test
    void aTenantWithoutARowHoldsToTheFallbackQuota() {
        String tenant = Jobs.freshTenant();
        assertThat(store.create(creating(tenant), null, 1)).isEqualTo(Creation.CREATED);
        assertThat(store.create(creating(tenant), null, 1)).isEqualTo(Creation.QUOTA_EXCEEDED);
    }

    @Test
    void aLeaseRunsOutOnlyWhenTheWorkerStopsRenewing() {
        String tenant = Jobs.freshTenant();
        SessionRecord session = ready(tenant);
        UUID id = session.id();
        assertThat(store.renew("w-lease-" + id, T0.plusSeconds(10))).isEqualTo(1);

        assertThat(store.loseIfStale(id, T0.plusSeconds(5), "lease ran out", T0.plusSeconds(11)))
                .as("renewed after the cut-off").isEmpty();
        assertThat(store.staleLeases(T0.plusSeconds(5), 1000)).extracting(SessionRecord::id).doesNotContain(id);
        assertThat(store.staleLeases(T0.plusSeconds(15), 1000)).extracting(SessionRecord::id).contains(id);

        SessionRecord lost = store.loseIfStale(id, T0.plusSeconds(15), "its worker stopped renewing its lease",
                T0.plusSeconds(20)).orElseThrow();
        assertThat(lost.state()).isEqualTo(SessionState.LOST);
        assertThat(lost.reason()).isEqualTo("its worker stopped renewing its lease");
        assertThat(store.renew("w-lease-" + id, T0.plusSeconds(21))).as("a LOST session is no longer held")
                .isZero();
    }

    @Test
    void anUnclaimedOpenExpiresUnlessAWorkerClaimsItFirst() {
        String tenant = Jobs.freshTenant();
        SessionRecord unclaimed = creating(tenant);
        SessionRecord claimed = creating(tenant);
        store.create(unclaimed, null, 5);
        store.create(claimed, null, 5);
        store.claim(claimed.id(), "w9", "kiff.session-runs.w9", T0, T0.minusSeconds(30));

        assertThat(store.unclaimed(T0.plusSeconds(31), 10_000)).extracting(SessionRecord::id)
                .contains(unclaimed.id()).doesNotContain(claimed.id());
        assertThat(store.expireIfUnclaimed(claimed.id(), "no worker", T0.plusSeconds(31))).isEmpty();
        assertThat(store.expireIfUnclaimed(unclaimed.id(), "no worker took it within 30s", T0.plusSeconds(31))
                .orElseThrow().state()).isEqualTo(SessionState.EXPIRED);
    }

    /** A session claimed by worker {@code w-lease-<id>} and READY at {@link #T0}. */
    private static SessionRecord ready(String tenant) {
        SessionRecord session = creating(tenant);
        store.create(session, null, 5);
        String worker = "w-lease-" + session.id();
        assertThat(store.claim(session.id(), worker, "kiff.session-runs." + worker, T0, T0.minusSeconds(30)))
                .isTrue();
        assertThat(store.ready(session.id(), worker, T0)).isTrue();
        return store.find(session.id()).orElseThrow();
    }
}
