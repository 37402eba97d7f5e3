package dev.kiff.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.core.pool.Sandbox;
import dev.kiff.core.pool.WarmPool;
import dev.kiff.core.port.InMemoryJobRepository;
import dev.kiff.core.time.MutableClock;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.Language;
import dev.kiff.model.job.Limits;
import dev.kiff.model.job.RetryPolicy;
import dev.kiff.model.job.VmType;
import dev.kiff.model.session.SessionEvent;
import dev.kiff.model.session.SessionOp;
import dev.kiff.model.session.SessionState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SessionKeeperTest {

    private static final VmType CODE = VmType.CODE_EXEC;
    private static final String WORKER = "worker-1";
    private static final Duration IDLE = Duration.ofMinutes(1);
    private static final Duration LIFETIME = Duration.ofMinutes(10);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));
    private final InMemoryJobRepository jobs = new InMemoryJobRepository();
    private final InMemorySessionStore store = new InMemorySessionStore(jobs);
    private final RecordingSessionPublishers events = new RecordingSessionPublishers();
    private final List<JobResult> published = new CopyOnWriteArrayList<>();
    private final List<StubSandbox> started = new CopyOnWriteArrayList<>();
    private final VmTypeCatalogue catalogue = VmTypeCatalogue.builtIn();
    private final Limits limits = catalogue.policy(CODE).defaults();
    private WarmPool pool;
    private SessionRegistry registry;
    private SessionKeeper keeper;

    @BeforeEach
    void worker() {
        pool = new WarmPool(StubSandbox.factory(clock, started), catalogue, List.of(CODE), 1, 4, Runnable::run, clock);
        pool.tick();
        registry = new SessionRegistry(pool);
        keeper = new SessionKeeper(registry, store, jobs, published::add, events, clock, WORKER,
                Duration.ofSeconds(5));
    }

    @Test
    void expiresAfterIdleTimeout() {
        SessionHandle session = held();

        clock.advance(IDLE.minusSeconds(1));
        keeper.tick();
        assertThat(state(session)).isEqualTo(SessionState.READY);

        clock.advance(Duration.ofSeconds(1));
        keeper.tick();

        assertThat(state(session)).isEqualTo(SessionState.EXPIRED);
        assertThat(store.find(session.id()).orElseThrow().reason()).isEqualTo("idle for 60 s");
        assertReleased(session);
        assertThat(events.events()).extracting(SessionEvent::state, SessionEvent::workerId)
                .contains(org.assertj.core.groups.Tuple.tuple(SessionState.EXPIRED, WORKER));
    }

    @Test
    void aRunKeepsTheSessionFromIdling() {
        SessionHandle session = held();
        clock.advance(IDLE.minusSeconds(10));
        session.idle(clock.instant()); // a run ended now

        clock.advance(Duration.ofSeconds(30));
        keeper.tick();

        assertThat(state(session)).isEqualTo(SessionState.READY);
    }

    @Test
    void expiresAtLifetimeEvenWhenBusy() {
        SessionHandle session = held();
        Job run = busyWith(session);

        clock.advance(LIFETIME);
        keeper.tick();

        assertThat(state(session)).isEqualTo(SessionState.EXPIRED);
        assertThat(store.find(session.id()).orElseThrow().reason()).isEqualTo("reached its maximum lifetime of 600 s");
        assertThat(jobs.state(run.id()).status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(((StubSandbox) session.sandbox()).interrupts).isPositive();
        assertReleased(session);
    }

    @Test
    void busySessionDoesNotIdleOut() {
        SessionHandle session = held();
        busyWith(session);

        clock.advance(IDLE.multipliedBy(2));
        keeper.tick();

        assertThat(state(session)).isEqualTo(SessionState.BUSY);
        assertThat(registry.find(session.id())).isPresent();
    }

    @Test
    void deadSandboxEndsLost() {
        SessionHandle session = held();

        ((StubSandbox) session.sandbox()).alive = false;
        keeper.tick();

        assertThat(state(session)).isEqualTo(SessionState.LOST);
        assertThat(store.find(session.id()).orElseThrow().reason()).contains("died");
        assertReleased(session);
    }

    @Test
    void renewsTheLeaseEveryInterval() {
        SessionHandle session = held();

        clock.advance(Duration.ofSeconds(6));
        keeper.tick();
        Instant first = store.find(session.id()).orElseThrow().heartbeatAt();
        clock.advance(Duration.ofSeconds(1));
        keeper.tick();

        assertThat(first).isEqualTo(clock.instant().minusSeconds(1));
        assertThat(store.find(session.id()).orElseThrow().heartbeatAt()).as("not before the interval")
                .isEqualTo(first);
    }

    @Test
    void closesASessionDeletedElsewhere() {
        SessionHandle session = held();
        store.end(session.id(), "t1", SessionState.OPEN, SessionState.DELETED, "deleted by the tenant",
                clock.instant());

        clock.advance(Duration.ofSeconds(6));
        keeper.tick();

        assertReleased(session);
    }

    @Test
    void shutdownEndsTheHeldSessionsLostAndRemovesTheirSandboxes() {
        SessionHandle idle = held();
        SessionHandle busy = held();
        Job run = busyWith(busy);

        keeper.shutdown();

        assertThat(state(idle)).isEqualTo(SessionState.LOST);
        assertThat(store.find(idle.id()).orElseThrow().reason()).isEqualTo("worker worker-1 shut down");
        assertThat(state(busy)).isEqualTo(SessionState.LOST);
        assertThat(jobs.state(run.id()).status()).isEqualTo(JobStatus.ERROR);
        assertReleased(idle);
        assertReleased(busy);
    }

    @Test
    void sweepEndsTheSessionsOfAnEarlierRunLostWithTheirRunsError() {
        SessionHandle session = held();
        Job run = busyWith(session);

        keeper.sweep();

        assertThat(state(session)).isEqualTo(SessionState.LOST);
        assertThat(store.find(session.id()).orElseThrow().reason())
                .isEqualTo("worker worker-1 restarted; the session's sandbox was removed");
        assertThat(jobs.state(run.id()).status()).isEqualTo(JobStatus.ERROR);
        assertThat(published).extracting(JobResult::id).contains(run.id());
    }

    /** A READY session of tenant t1 held by this worker, in a sandbox taken from the pool. */
    private SessionHandle held() {
        UUID id = UUID.randomUUID();
        store.create(SessionRecord.creating(id, "t1", CODE, limits, List.of(), List.of(), IDLE.toMillis(),
                LIFETIME.toMillis(), clock.instant()), null, 5);
        store.claim(id, WORKER, "kiff.session-runs." + WORKER, clock.instant(), clock.instant());
        store.ready(id, WORKER, clock.instant());
        Sandbox sandbox = pool.tryReserve(CODE).orElseThrow().takeForSession("t1", limits);
        SessionHandle handle = new SessionHandle(id, "t1", CODE, sandbox, clock.instant(), clock.instant(), IDLE,
                LIFETIME);
        registry.add(handle);
        return handle;
    }

    /** The session BUSY with a run that started on its sandbox. */
    private Job busyWith(SessionHandle session) {
        Job run = new Job(UUID.randomUUID(), "t1", CODE, Language.PYTHON, "import time; time.sleep(999)", "", Map.of(),
                Map.of(), limits, clock.instant(), null, null, new RetryPolicy(1, false));
        store.startRun(session.id(), "t1", run, SessionOp.RUN, null, clock.instant());
        jobs.markRunning(run.id(), WORKER, clock.instant());
        session.running(run.id(), clock.instant());
        return run;
    }

    private SessionState state(SessionHandle session) {
        return store.find(session.id()).orElseThrow().state();
    }

    private void assertReleased(SessionHandle session) {
        assertThat(registry.find(session.id())).isEmpty();
        assertThat(((StubSandbox) session.sandbox()).destroyed).isTrue();
        assertThat(pool.sessions()).isZero();
    }
}
