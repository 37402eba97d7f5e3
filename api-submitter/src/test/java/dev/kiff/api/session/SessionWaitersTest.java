package dev.kiff.api.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.core.session.SessionRecord;
import dev.kiff.core.session.SessionStore;
import dev.kiff.model.job.VmType;
import dev.kiff.model.session.SessionEvent;
import dev.kiff.model.session.SessionState;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A create's wait for READY: woken by the session's move, answered from the store. The re-read period and the wait are
 * an hour here, so only a move can answer a wait within the test.
 */
class SessionWaitersTest {

    private static final Duration HOUR = Duration.ofHours(1);
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    private final UUID id = UUID.randomUUID();
    private final AtomicReference<SessionRecord> stored = new AtomicReference<>(
            SessionRecord.creating(id, "acme", VmType.CODE_EXEC, null, List.of(), List.of(), 60_000, 60_000, NOW));
    private final AtomicInteger reads = new AtomicInteger();
    /** The store as far as the waits use it: {@code find}. */
    private final SessionStore store = (SessionStore) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {SessionStore.class}, (proxy, method, args) -> {
                if (!method.getName().equals("find")) {
                    throw new UnsupportedOperationException(method.getName());
                }
                reads.incrementAndGet();
                return Optional.ofNullable(stored.get()).filter(s -> s.id().equals(args[0]));
            });
    private final SessionWaiters waiters = new SessionWaiters(store, Executors.newScheduledThreadPool(1), HOUR);

    @AfterEach
    void close() {
        waiters.close();
    }

    private void storedAs(SessionState state) {
        SessionRecord s = stored.get();
        stored.set(new SessionRecord(s.id(), s.tenant(), s.vmType(), state, null, s.limits(), s.envNames(),
                s.fileNames(), s.idleTimeoutMs(), s.maxLifetimeMs(), "worker-1", "kiff.session-runs.worker-1", null,
                0, s.createdAt(), NOW, NOW, null, NOW, null));
    }

    private SessionEvent moved(UUID session, SessionState state) {
        return new SessionEvent(SessionEvent.VERSION, session, "acme", state, null, NOW, "worker-1", null);
    }

    @Test
    void aHeardMoveAnswersTheWaitWithTheStoredSession() {
        CompletableFuture<SessionRecord> wait = waiters.created(id, HOUR);
        await().until(() -> reads.get() >= 1);
        assertThat(wait).as("read once, still CREATING").isNotDone();

        storedAs(SessionState.READY);
        waiters.moved(moved(id, SessionState.READY));

        await().until(wait::isDone);
        assertThat(wait.join().state()).isEqualTo(SessionState.READY);
        assertThat(waiters.waiting(id)).as("the wait is forgotten once answered").isZero();
    }

    @Test
    void theStoreIsTheTruthNotTheEvent() {
        CompletableFuture<SessionRecord> wait = waiters.created(id, HOUR);
        await().until(() -> reads.get() >= 1);

        waiters.moved(moved(id, SessionState.READY));

        await().until(() -> reads.get() >= 2);
        assertThat(wait).as("the event said READY, the store still says CREATING").isNotDone();
        storedAs(SessionState.LOST);
        waiters.moved(moved(id, SessionState.LOST));
        await().until(wait::isDone);
        assertThat(wait.join().state()).isEqualTo(SessionState.LOST);
    }

    @Test
    void anotherSessionsMoveWakesNothing() {
        CompletableFuture<SessionRecord> wait = waiters.created(id, HOUR);
        await().until(() -> reads.get() >= 1);
        storedAs(SessionState.READY);

        waiters.moved(moved(UUID.randomUUID(), SessionState.READY));

        assertThat(reads.get()).isEqualTo(1);
        assertThat(wait).isNotDone();
        assertThat(waiters.waiting(id)).isOne();
    }

    @Test
    void aWaitThatRunsOutAnswersTheSessionAsItIs() {
        CompletableFuture<SessionRecord> wait = waiters.created(id, Duration.ofMillis(50));

        await().until(wait::isDone);

        assertThat(wait.join().state()).isEqualTo(SessionState.CREATING);
    }

    @Test
    void aSessionReadyBeforeTheWaitIsAnsweredByItsFirstRead() {
        storedAs(SessionState.READY);

        CompletableFuture<SessionRecord> wait = waiters.created(id, HOUR);

        await().until(wait::isDone);
        assertThat(wait.join().state()).isEqualTo(SessionState.READY);
    }
}
