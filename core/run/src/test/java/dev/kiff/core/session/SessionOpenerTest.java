package dev.kiff.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.core.pool.WarmPool;
import dev.kiff.core.port.InMemoryJobRepository;
import dev.kiff.core.time.MutableClock;
import dev.kiff.model.job.Limits;
import dev.kiff.model.job.VmType;
import dev.kiff.model.session.SessionEvent;
import dev.kiff.model.session.SessionOpen;
import dev.kiff.model.session.SessionState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SessionOpenerTest {

    private static final VmType CODE = VmType.CODE_EXEC;
    private static final String WORKER = "worker-1";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));
    private final InMemoryJobRepository jobs = new InMemoryJobRepository();
    private final InMemorySessionStore store = new InMemorySessionStore(jobs);
    private final RecordingSessionPublishers events = new RecordingSessionPublishers();
    private final List<StubSandbox> started = new CopyOnWriteArrayList<>();
    private final VmTypeCatalogue catalogue = VmTypeCatalogue.builtIn();
    private final Limits limits = catalogue.policy(CODE).defaults();
    private WarmPool pool;
    private SessionRegistry registry;
    private SessionOpener opener;

    @BeforeEach
    void worker() {
        pool = new WarmPool(StubSandbox.factory(clock, started), catalogue, List.of(CODE), 1, 4, Runnable::run,
                clock);
        pool.tick();
        registry = new SessionRegistry(pool);
        SessionKeeper keeper = new SessionKeeper(registry, store, jobs, result -> { }, events, clock, WORKER,
                Duration.ofSeconds(5));
        opener = new SessionOpener(store, registry, keeper, pool, clock, WORKER, "kiff.session-runs.worker-1",
                Duration.ofSeconds(15), Duration.ofSeconds(2), 3);
    }

    @Test
    void opensTheClaimedSandboxAndMakesTheSessionReady() {
        SessionOpen open = creating();
        StubSandbox warm = started.get(0);

        SessionOpener.Opened opened = opener.open(open, pool.tryReserve(CODE).orElseThrow(), 1);

        assertThat(opened).isEqualTo(SessionOpener.Opened.READY);
        SessionRecord ready = store.find(open.sessionId()).orElseThrow();
        assertThat(ready.state()).isEqualTo(SessionState.READY);
        assertThat(ready.workerId()).isEqualTo(WORKER);
        assertThat(ready.runTopic()).isEqualTo("kiff.session-runs.worker-1");
        assertThat(registry.find(open.sessionId()).orElseThrow().sandbox()).isSameAs(warm);
        assertThat(warm.opened.env()).containsEntry("A", "1");
        assertThat(warm.opened.deadline()).isEqualTo(clock.instant().plus(Duration.ofMinutes(11)));
        assertThat(warm.opened.interruptGrace()).isEqualTo(Duration.ofSeconds(2));
        assertThat(pool.sessions()).isEqualTo(1);
        assertThat(events.events()).extracting(SessionEvent::state).containsExactly(SessionState.CREATING,
                SessionState.READY);
    }

    @Test
    void anOpenAnotherWorkerClaimedIsDroppedAndItsSandboxStays() {
        SessionOpen open = creating();
        store.claim(open.sessionId(), "worker-2", "kiff.session-runs.worker-2", clock.instant(), clock.instant());
        WarmPool.Reservation reservation = pool.tryReserve(CODE).orElseThrow();

        SessionOpener.Opened opened = opener.open(open, reservation, 1);
        reservation.close();

        assertThat(opened).isEqualTo(SessionOpener.Opened.DROPPED);
        assertThat(store.find(open.sessionId()).orElseThrow().workerId()).isEqualTo("worker-2");
        assertThat(pool.sessions()).isZero();
        assertThat(pool.available(CODE)).as("the claim is given back").isEqualTo(1);
    }

    @Test
    void aKernelThatDoesNotComeUpIsTriedAgainThenTheSessionEndsLost() {
        SessionOpen open = creating();
        started.forEach(s -> s.openFailure = "the kernel did not start");

        SessionOpener.Opened first = opener.open(open, pool.tryReserve(CODE).orElseThrow(), 1);

        assertThat(first).isEqualTo(SessionOpener.Opened.AGAIN);
        assertThat(store.find(open.sessionId()).orElseThrow().state()).isEqualTo(SessionState.CREATING);
        assertThat(started.get(0).destroyed).as("the broken sandbox is given back").isTrue();
        assertThat(pool.sessions()).isZero();

        pool.tick();
        started.forEach(s -> s.openFailure = "the kernel did not start");
        SessionOpener.Opened last = opener.open(open, pool.tryReserve(CODE).orElseThrow(), 3);

        assertThat(last).isEqualTo(SessionOpener.Opened.DROPPED);
        SessionRecord lost = store.find(open.sessionId()).orElseThrow();
        assertThat(lost.state()).isEqualTo(SessionState.LOST);
        assertThat(lost.reason()).isEqualTo("could not create: the kernel did not start");
        assertThat(registry.size()).isZero();
        assertThat(events.events()).extracting(SessionEvent::state).contains(SessionState.LOST);
    }

    /** A CREATING session in the store, and the open the API published for it. */
    private SessionOpen creating() {
        UUID id = UUID.randomUUID();
        store.create(SessionRecord.creating(id, "t1", CODE, limits, List.of("A"), List.of(), 60_000, 600_000,
                clock.instant()), null, 5);
        events.publish(new SessionEvent(SessionEvent.VERSION, id, "t1", SessionState.CREATING, null, clock.instant(),
                null, null));
        return new SessionOpen(SessionOpen.VERSION, id, "t1", CODE, limits, Map.of("A", "1"), Map.of(), 60_000,
                600_000, clock.instant());
    }
}
