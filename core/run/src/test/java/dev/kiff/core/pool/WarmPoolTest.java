package dev.kiff.core.pool;

import dev.kiff.model.control.PoolStatus;
import dev.kiff.core.time.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.Job;
import dev.kiff.core.job.Jobs;
import dev.kiff.model.job.RequestedLimits;
import dev.kiff.model.job.VmType;
import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.core.pool.FakeSandboxes.FakeSandbox;
import dev.kiff.core.pool.FakeSandboxes.FakeSandboxFactory;
import dev.kiff.core.sandbox.Outcomes;
import dev.kiff.core.sandbox.SandboxOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarmPoolTest {

    private static final VmType CODE = VmType.CODE_EXEC;
    private static final VmType ML = VmType.ML_AGENT;
    private static final VmType API = VmType.API_COMPOSITION;
    private static final Executor SYNC = Runnable::run;
    /** The built-in catalogue with every type on one container per job: what most of these tests are about. */
    private static final VmTypeCatalogue BUILT_IN = singleUse();
    private static final int ROOMY = 16;

    /** The built-in catalogue, but code-exec sandboxes serve up to 3 jobs of one tenant within a minute. */
    private static final String REUSE_CATALOGUE = """
            vmTypes:
              code-exec:
                image: kiff/code-exec:latest
                languages: [python, node, bash]
                runtime: runc
                network: none
                bindings: []
                defaults: {timeoutMs: 10000, memoryMb: 256, cpus: 1.0, pids: 64, outputBytes: 65536}
                maximum: {timeoutMs: 60000, memoryMb: 1024, cpus: 2.0, pids: 256, outputBytes: 1048576}
                pool: {preload: [json], reuse: tenant, maxUses: 3, maxAgeMs: 60000, min: 1, max: 8}
              ml-agent:
                image: kiff/ml-agent:latest
                languages: [python, bash]
                runtime: runc
                network: gateway
                bindings: [ml, vectors, backend]
                defaults: {timeoutMs: 30000, memoryMb: 512, cpus: 1.0, pids: 64, outputBytes: 65536}
                maximum: {timeoutMs: 300000, memoryMb: 2048, cpus: 2.0, pids: 256, outputBytes: 1048576}
                pool: {reuse: none, maxUses: 1, maxAgeMs: 600000, min: 1, max: 4}
              api-composition:
                image: kiff/api-composition:latest
                languages: [python, node, bash]
                runtime: runc
                network: gateway
                bindings: [ml, vectors, backend]
                defaults: {timeoutMs: 30000, memoryMb: 256, cpus: 1.0, pids: 64, outputBytes: 65536}
                maximum: {timeoutMs: 120000, memoryMb: 1024, cpus: 2.0, pids: 256, outputBytes: 1048576}
                pool: {reuse: none, maxUses: 1, maxAgeMs: 600000, min: 1, max: 4}
              data-processing:
                image: kiff/data-processing:latest
                languages: [python, bash]
                runtime: runc
                network: none
                bindings: []
                defaults: {timeoutMs: 60000, memoryMb: 1024, cpus: 2.0, pids: 128, outputBytes: 262144}
                maximum: {timeoutMs: 600000, memoryMb: 4096, cpus: 2.0, pids: 512, outputBytes: 4194304}
                pool: {reuse: none, maxUses: 1, maxAgeMs: 600000, min: 1, max: 4}
            """;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    private final FakeSandboxFactory factory = new FakeSandboxFactory(clock);

    private WarmPool pool(VmTypeCatalogue catalogue, int initialTarget, int capacity, Executor starter,
            VmType... types) {
        return new WarmPool(factory, catalogue, List.of(types), initialTarget, capacity, starter, clock);
    }

    private WarmPool pool(int initialTarget, VmType... types) {
        return pool(BUILT_IN, initialTarget, ROOMY, SYNC, types);
    }

    private static Job job() {
        return Jobs.job().build();
    }

    private static Job job(String tenant) {
        return Jobs.job().tenant(tenant).build();
    }

    /** A code-exec job asking for more memory than the type's default. */
    private static Job bigJob() {
        return Jobs.job().limits(new RequestedLimits(null, 512, null, null, null)).build();
    }

    private static PoolStatus status(WarmPool pool, VmType type) {
        return pool.status().stream().filter(s -> s.vmType() == type).findFirst().orElseThrow();
    }

    /** Holds background work until the test lets it run, to see a pool with sandboxes still starting. */
    private static final class QueuedExecutor implements Executor {
        private final Deque<Runnable> queue = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            queue.add(task);
        }

        void runAll() {
            while (!queue.isEmpty()) {
                queue.poll().run();
            }
        }
    }

    @Nested
    class Filling {

        @Test
        void startsNothingBeforeTheFirstTick() {
            WarmPool pool = pool(2, CODE);
            assertThat(factory.started()).isEmpty();
            assertThat(pool.available(CODE)).isZero();
            assertThat(status(pool, CODE).target()).isEqualTo(2);
        }

        @Test
        void fillsEachTypeToItsInitialTargetOnTick() {
            WarmPool pool = pool(2, CODE, ML);

            pool.tick();

            assertThat(factory.started(CODE)).hasSize(2);
            assertThat(factory.started(ML)).hasSize(2);
            assertThat(factory.started(API)).isEmpty();
            assertThat(pool.available(CODE)).isEqualTo(2);
            assertThat(pool.available(ML)).isEqualTo(2);
            assertThat(pool.size()).isEqualTo(4);
        }

        @Test
        void startsNothingMoreOnceTheTargetIsMet() {
            WarmPool pool = pool(2, CODE);
            pool.tick();

            pool.tick();
            pool.tick();

            assertThat(factory.started()).hasSize(2);
            assertThat(factory.destroyed()).isEmpty();
        }

        @Test
        void neverStartsBelowTheCatalogueMinimum() {
            WarmPool pool = pool(0, CODE);

            pool.tick();

            assertThat(status(pool, CODE).target()).isEqualTo(BUILT_IN.policy(CODE).pool().min()).isEqualTo(1);
            assertThat(factory.started()).hasSize(1);
        }

        @Test
        void startsWarmSandboxesSingleUseWithTheTypeDefaults() {
            WarmPool pool = pool(1, CODE, ML);

            pool.tick();

            assertThat(factory.sandbox(1).vmType()).isEqualTo(CODE);
            assertThat(factory.sandbox(1).limits()).isEqualTo(BUILT_IN.policy(CODE).defaults());
            assertThat(factory.sandbox(1).reusable()).isFalse();
            assertThat(factory.sandbox(2).vmType()).isEqualTo(ML);
            assertThat(factory.sandbox(2).limits()).isEqualTo(BUILT_IN.policy(ML).defaults());
            assertThat(factory.sandbox(2).reusable()).isFalse();
        }
    }

    @Nested
    class Reservations {

        @Test
        void reservesOnlyWhatIsIdle() {
            WarmPool pool = pool(2, CODE);
            pool.tick();

            Optional<WarmPool.Reservation> first = pool.tryReserve(CODE);
            assertThat(pool.available(CODE)).isEqualTo(1);
            Optional<WarmPool.Reservation> second = pool.tryReserve(CODE);

            assertThat(first).isPresent();
            assertThat(second).isPresent();
            assertThat(pool.available(CODE)).isZero();
            assertThat(pool.tryReserve(CODE)).isEmpty();
        }

        @Test
        void reservesNothingBeforeASandboxIsReady() {
            WarmPool pool = pool(1, CODE);
            assertThat(pool.tryReserve(CODE)).isEmpty();
        }

        @Test
        void reservesNothingOfATypeTheWorkerDoesNotServe() {
            WarmPool pool = pool(1, CODE);
            pool.tick();

            assertThat(pool.tryReserve(VmType.DATA_PROCESSING)).isEmpty();
            assertThat(pool.available(VmType.DATA_PROCESSING)).isZero();
        }

        @Test
        void closingAnUnusedReservationGivesTheClaimBack() {
            WarmPool pool = pool(1, CODE);
            pool.tick();
            WarmPool.Reservation reservation = pool.tryReserve(CODE).orElseThrow();
            assertThat(pool.available(CODE)).isZero();

            reservation.close();

            assertThat(pool.available(CODE)).isEqualTo(1);
            assertThat(pool.tryReserve(CODE)).isPresent();
        }

        @Test
        void closingAReservationTwiceGivesItBackOnce() {
            WarmPool pool = pool(2, CODE);
            pool.tick();
            WarmPool.Reservation first = pool.tryReserve(CODE).orElseThrow();
            pool.tryReserve(CODE).orElseThrow();

            first.close();
            first.close();

            assertThat(pool.available(CODE)).isEqualTo(1);
        }

        @Test
        void runsTheReservedJobInTheClaimedSandbox() {
            WarmPool pool = pool(1, CODE);
            pool.tick();
            FakeSandbox warm = factory.sandbox(1);
            Job job = job();

            try (WarmPool.Reservation reservation = pool.tryReserve(CODE).orElseThrow()) {
                reservation.run(job);
            }

            assertThat(warm.jobs()).containsExactly(job);
            assertThat(factory.started()).hasSize(2); // the claimed one and its replacement, no cold start
            assertThat(status(pool, CODE)).extracting(PoolStatus::idle, PoolStatus::busy).containsExactly(1, 0);
        }

        @Test
        void closingAUsedReservationGivesNothingBack() {
            WarmPool pool = pool(2, CODE);
            pool.tick();
            WarmPool.Reservation used = pool.tryReserve(CODE).orElseThrow();
            pool.tryReserve(CODE).orElseThrow();

            used.run(job());
            used.close();

            // two idle (the untouched one and the replacement), one of them still claimed by the second reservation
            assertThat(pool.available(CODE)).isEqualTo(1);
            assertThat(status(pool, CODE)).extracting(PoolStatus::idle, PoolStatus::busy).containsExactly(1, 1);
        }

        @Test
        void reservationForAnotherTypeGivesItsClaimBackAndRunsTheJobAnyway() {
            WarmPool pool = pool(1, CODE, ML);
            pool.tick();
            FakeSandbox mlSandbox = factory.started(ML).get(0);
            Job mlJob = Jobs.job().vmType(ML).build();
            WarmPool.Reservation reservation = pool.tryReserve(CODE).orElseThrow();

            reservation.run(mlJob);

            assertThat(mlSandbox.jobs()).containsExactly(mlJob);
            assertThat(pool.available(CODE)).isEqualTo(1);
            assertThat(pool.available(ML)).isEqualTo(1);
        }
    }

    @Nested
    class Running {

        @Test
        void runsTheJobInAnIdleSandboxAndReturnsItsOutcome() {
            WarmPool pool = pool(1, CODE);
            pool.tick();
            FakeSandbox warm = factory.sandbox(1);
            SandboxOutcome answer = Outcomes.exit(3).stdout("hi\n").build();
            warm.answers(answer);
            Job job = job();

            SandboxOutcome outcome = pool.run(job);

            assertThat(outcome).isEqualTo(answer);
            assertThat(warm.jobs()).containsExactly(job);
        }

        @Test
        void startsReplacementAfterSingleUseJob() {
            WarmPool pool = pool(1, CODE);
            pool.tick();
            FakeSandbox first = factory.sandbox(1);

            pool.run(job());

            assertThat(first.destroyed()).isTrue();
            assertThat(factory.started()).hasSize(2);
            FakeSandbox replacement = factory.sandbox(2);
            assertThat(replacement.destroyed()).isFalse();
            assertThat(replacement.limits()).isEqualTo(BUILT_IN.policy(CODE).defaults());
            assertThat(pool.available(CODE)).isEqualTo(1);

            Job next = job();
            pool.run(next);
            assertThat(replacement.jobs()).containsExactly(next);
            assertThat(first.jobs()).hasSize(1);
        }

        @Test
        void coldStartsASandboxWithTheJobsLimitsWhenNoneIsIdle() {
            WarmPool pool = pool(1, CODE);
            Job job = bigJob();

            pool.run(job);

            FakeSandbox cold = factory.sandbox(1);
            assertThat(cold.limits()).isEqualTo(job.limits());
            assertThat(cold.limits().memoryMb()).isEqualTo(512);
            assertThat(cold.reusable()).isFalse();
            assertThat(cold.jobs()).containsExactly(job);
            assertThat(cold.destroyed()).isTrue();
            // the pool then fills itself with a warm one under the defaults
            assertThat(factory.started()).hasSize(2);
            assertThat(factory.sandbox(2).limits()).isEqualTo(BUILT_IN.policy(CODE).defaults());
            assertThat(pool.available(CODE)).isEqualTo(1);
        }

        @Test
        void coldStartFailureReachesTheCallerAndFreesTheSlot() {
            WarmPool pool = pool(1, CODE);
            factory.failNextStarts(1);

            assertThatThrownBy(() -> pool.run(job())).isInstanceOf(TransientFailure.class);

            assertThat(status(pool, CODE)).extracting(PoolStatus::busy, PoolStatus::starting).containsExactly(0, 0);
            assertThat(pool.size()).isZero();
            pool.tick();
            assertThat(pool.available(CODE)).isEqualTo(1);
        }

        @Test
        void destroysAndReplacesASandboxThatBrokeDuringTheJob() {
            WarmPool pool = pool(1, CODE);
            pool.tick();
            FakeSandbox broken = factory.sandbox(1);
            broken.breaksOnRun();

            assertThatThrownBy(() -> pool.run(job())).isInstanceOf(TransientFailure.class);

            assertThat(broken.destroyed()).isTrue();
            assertThat(factory.live()).containsExactly(factory.sandbox(2));
            assertThat(status(pool, CODE)).extracting(PoolStatus::idle, PoolStatus::busy).containsExactly(1, 0);
        }

        @Test
        void countsServedJobsAndTheirBusyTime() {
            WarmPool pool = pool(1, CODE);
            pool.tick();
            factory.sandbox(1).during(job -> clock.advance(Duration.ofMillis(1500)));
            pool.run(job());
            factory.sandbox(2).during(job -> clock.advance(Duration.ofMillis(500)));
            pool.run(job());

            PoolStatus status = status(pool, CODE);
            assertThat(status.served()).isEqualTo(2);
            assertThat(status.busySeconds()).isEqualTo(2.0);
        }
    }

    @Nested
    class Targets {

        @Test
        void raisingTheTargetStartsMore() {
            WarmPool pool = pool(1, CODE);
            pool.tick();

            pool.setTarget(CODE, 3);

            assertThat(factory.started()).hasSize(3);
            assertThat(pool.available(CODE)).isEqualTo(3);
            assertThat(status(pool, CODE).target()).isEqualTo(3);
        }

        @Test
        void loweringTheTargetDestroysSurplusIdleSandboxes() {
            WarmPool pool = pool(3, CODE);
            pool.tick();

            pool.setTarget(CODE, 1);

            assertThat(factory.destroyed()).hasSize(2);
            assertThat(factory.live()).hasSize(1);
            assertThat(pool.available(CODE)).isEqualTo(1);
            assertThat(pool.size()).isEqualTo(1);
        }

        @Test
        void negativeTargetEmptiesThePool() {
            WarmPool pool = pool(2, CODE);
            pool.tick();

            pool.setTarget(CODE, -2);

            assertThat(status(pool, CODE).target()).isZero();
            assertThat(factory.live()).isEmpty();
        }

        @Test
        void loweringTheTargetKeepsClaimedSandboxes() {
            WarmPool pool = pool(3, CODE);
            pool.tick();
            WarmPool.Reservation first = pool.tryReserve(CODE).orElseThrow();
            WarmPool.Reservation second = pool.tryReserve(CODE).orElseThrow();

            pool.setTarget(CODE, 0);

            assertThat(factory.destroyed()).hasSize(1);
            assertThat(status(pool, CODE)).extracting(PoolStatus::target, PoolStatus::idle, PoolStatus::busy)
                    .containsExactly(0, 0, 2);

            first.run(job());
            second.run(job());

            assertThat(factory.started()).hasSize(3); // both claims ran warm, nothing replaced them
            assertThat(factory.live()).isEmpty();
            assertThat(pool.size()).isZero();
        }

        @Test
        void doesNotReplaceABusySandboxWhenTheTargetDroppedDuringItsJob() {
            WarmPool pool = pool(2, CODE);
            pool.tick();
            factory.started().forEach(s -> s.during(job -> pool.setTarget(CODE, 0)));

            pool.run(job());

            assertThat(factory.started()).hasSize(2);
            assertThat(factory.live()).isEmpty();
            assertThat(pool.size()).isZero();
        }

        @Test
        void ignoresTargetsOfTypesItDoesNotServe() {
            WarmPool pool = pool(1, CODE);
            pool.tick();

            pool.setTarget(VmType.DATA_PROCESSING, 3);

            assertThat(factory.started(VmType.DATA_PROCESSING)).isEmpty();
            assertThat(pool.status()).extracting(PoolStatus::vmType).containsExactly(CODE);
        }
    }

    @Nested
    class Capacity {

        @Test
        void capsTheTotalOverAllTypesTakingTurns() {
            WarmPool pool = pool(BUILT_IN, 2, 4, SYNC, CODE, ML, API);

            pool.tick();

            assertThat(pool.size()).isEqualTo(4);
            assertThat(factory.started()).hasSize(4);
            // one each first, then the remaining slot in type order
            assertThat(factory.started(CODE)).hasSize(2);
            assertThat(factory.started(ML)).hasSize(1);
            assertThat(factory.started(API)).hasSize(1);
        }

        @Test
        void aHigherTargetCannotPassTheCapacity() {
            WarmPool pool = pool(BUILT_IN, 1, 3, SYNC, CODE, ML);
            pool.tick();

            pool.setTarget(CODE, 10);
            pool.tick();

            assertThat(pool.size()).isEqualTo(3);
            assertThat(factory.started(CODE)).hasSize(2);
            assertThat(status(pool, CODE)).extracting(PoolStatus::target, PoolStatus::capacity)
                    .containsExactly(10, 3);
        }

        @Test
        void givesTheRoomAnotherTypeLeavesToTypesBelowTheirTarget() {
            WarmPool pool = pool(BUILT_IN, 2, 4, SYNC, CODE, ML, API);
            pool.tick();

            pool.setTarget(ML, 0);

            assertThat(factory.live(CODE)).hasSize(2);
            assertThat(factory.live(ML)).isEmpty();
            assertThat(factory.live(API)).hasSize(2);
            assertThat(pool.size()).isEqualTo(4);
        }
    }

    /**
     * A session takes its sandbox out of the pool for good: the pool refills behind it, but the sandbox counts against
     * the capacity until the session closes.
     */
    @Nested
    class Sessions {

        private final dev.kiff.model.job.Limits limits = BUILT_IN.policy(CODE).defaults();

        @Test
        void sessionHoldsItsRoomUntilClosed() {
            WarmPool pool = pool(BUILT_IN, 1, 2, SYNC, CODE);
            pool.tick();

            Sandbox held = pool.tryReserve(CODE).orElseThrow().takeForSession("t1", limits);

            assertThat(pool.sessions()).isEqualTo(1);
            assertThat(pool.size()).as("the session and the refill").isEqualTo(2);
            assertThat(status(pool, CODE).sessions()).isEqualTo(1);
            assertThat(((FakeSandbox) held).destroyed()).isFalse();

            pool.closeSession(held);

            assertThat(((FakeSandbox) held).destroyed()).isTrue();
            assertThat(pool.sessions()).isZero();
            assertThat(pool.size()).as("the room is back; the pool keeps its target").isEqualTo(1);
        }

        @Test
        void poolRefillsBehindASession() {
            WarmPool pool = pool(BUILT_IN, 1, 4, SYNC, CODE);
            pool.tick();
            FakeSandbox warm = factory.started(CODE).get(0);

            Sandbox held = pool.tryReserve(CODE).orElseThrow().takeForSession("t1", limits);

            assertThat(held).as("the claimed idle sandbox, no cold start").isSameAs(warm);
            assertThat(factory.started(CODE)).hasSize(2);
            assertThat(pool.available(CODE)).as("a fresh idle sandbox behind the session").isEqualTo(1);
            assertThat(status(pool, CODE).idle()).isEqualTo(1);
        }

        @Test
        void capacityHoldsWithSessions() {
            WarmPool pool = pool(BUILT_IN, 2, 2, SYNC, CODE);
            pool.tick();

            pool.tryReserve(CODE).orElseThrow().takeForSession("t1", limits);
            pool.tryReserve(CODE).orElseThrow().takeForSession("t2", limits);
            pool.tick();

            assertThat(pool.sessions()).isEqualTo(2);
            assertThat(factory.started(CODE)).as("no refill beyond the capacity").hasSize(2);
            assertThat(factory.peak()).isLessThanOrEqualTo(2);
            assertThat(pool.size()).isEqualTo(2);
            assertThat(pool.tryReserve(CODE)).as("no idle sandbox while sessions hold all the room").isEmpty();
        }

        @Test
        void closingTheReservationOfATakenSandboxGivesNothingBack() {
            WarmPool pool = pool(BUILT_IN, 1, 1, SYNC, CODE);
            pool.tick();
            WarmPool.Reservation reservation = pool.tryReserve(CODE).orElseThrow();

            Sandbox held = reservation.takeForSession("t1", limits);
            reservation.close(); // a no-op once taken

            assertThat(pool.sessions()).isEqualTo(1);
            assertThat(pool.available(CODE)).isZero();
            pool.closeSession(held);
            assertThat(factory.live(CODE)).as("refilled once the room is back").hasSize(1);
        }
    }

    /**
     * The capacity holds whatever comes through the pool: a retry run without a claim, a job of another type than
     * its claim, a job no idle sandbox accepts, and sandboxes still on their way out. The fake factory records the
     * most sandboxes live at once.
     */
    @Nested
    class HardCapacity {

        @Test
        void aRetryWithoutAClaimRetiresAnIdleSandboxOfAnotherTypeRatherThanStartBesideIt() {
            WarmPool pool = pool(BUILT_IN, 1, 2, SYNC, CODE, ML);
            pool.tick();
            FakeSandbox idleMl = factory.started(ML).get(0);
            Job retry = job();
            factory.started(CODE).get(0).during(first -> pool.run(retry));

            try (WarmPool.Reservation claim = pool.tryReserve(CODE).orElseThrow()) {
                claim.run(job());
            }

            assertThat(idleMl.destroyed()).as("the idle ml-agent sandbox made room for the retry").isTrue();
            assertThat(factory.started()).filteredOn(s -> s.jobs().contains(retry)).hasSize(1);
            assertThat(factory.peak()).isEqualTo(2);
            assertThat(pool.size()).isLessThanOrEqualTo(2);
        }

        @Test
        void aJobOfAnotherTypeThanItsClaimRunsInTheRoomOfTheClaimedSandbox() {
            WarmPool pool = pool(BUILT_IN, 2, 2, SYNC, CODE);
            pool.tick();
            Job mismatched = Jobs.job().vmType(ML).build();

            try (WarmPool.Reservation claim = pool.tryReserve(CODE).orElseThrow()) {
                claim.run(mismatched);
            }

            assertThat(factory.started(ML)).singleElement().satisfies(ml -> {
                assertThat(ml.jobs()).containsExactly(mismatched);
                assertThat(ml.destroyed()).as("a type the worker does not serve keeps no sandbox").isTrue();
            });
            assertThat(factory.peak()).isEqualTo(2);
            assertThat(factory.live(CODE)).as("code-exec back at its target").hasSize(2);
            assertThat(pool.status()).extracting(PoolStatus::vmType).contains(CODE);
        }

        @Test
        void aJobNoIdleSandboxAcceptsRetiresOneRatherThanStartBesideIt() {
            factory.gvisor();
            WarmPool pool = pool(BUILT_IN, 1, 1, SYNC, CODE);
            pool.tick();
            FakeSandbox warm = factory.sandbox(1);
            Job big = bigJob();

            try (WarmPool.Reservation claim = pool.tryReserve(CODE).orElseThrow()) {
                claim.run(big);
            }

            assertThat(warm.destroyed()).isTrue();
            assertThat(factory.sandbox(2).jobs()).containsExactly(big);
            assertThat(factory.peak()).isEqualTo(1);
        }

        @Test
        void aSandboxBeingDestroyedHoldsItsRoomUntilItIsGone() {
            QueuedExecutor starter = new QueuedExecutor();
            WarmPool pool = pool(BUILT_IN, 1, 1, starter, CODE);
            pool.tick();
            starter.runAll();

            pool.run(job());
            pool.tick();

            assertThat(factory.started()).as("no replacement while the used sandbox is being removed").hasSize(1);
            assertThat(pool.size()).isEqualTo(1);
            starter.runAll();
            assertThat(factory.started()).hasSize(2);
            assertThat(factory.live()).containsExactly(factory.sandbox(2));
            assertThat(factory.peak()).isEqualTo(1);
        }

        @Test
        void aJobWithoutRoomGivesUpAfterWaitingAsATransientFailure() {
            WarmPool pool = new WarmPool(factory, BUILT_IN, List.of(CODE), 1, 1, SYNC, null, Duration.ZERO,
                    Duration.ofMillis(50), clock);
            pool.tick();
            Throwable[] refused = new Throwable[1];
            factory.sandbox(1).during(first -> {
                try {
                    pool.run(job());
                } catch (TransientFailure e) {
                    refused[0] = e;
                }
            });

            pool.run(job());

            assertThat(refused[0]).isInstanceOf(TransientFailure.class).hasMessageContaining("no room");
            assertThat(factory.peak()).isEqualTo(1);
        }

        @Test
        void aStormOfRetriesAndMismatchedJobsNeverPassesTheCapacity() throws Exception {
            int capacity = 4;
            WarmPool pool = pool(BUILT_IN, 1, capacity, SYNC, CODE, ML, API);
            pool.tick();
            java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(12);
            java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
            try {
                for (int i = 0; i < 60; i++) {
                    VmType type = List.of(CODE, ML, API).get(i % 3);
                    Job storm = i % 4 == 0 ? Jobs.job().vmType(ML).build() : Jobs.job().vmType(type).build();
                    boolean claimed = i % 2 == 0;
                    threads.execute(() -> {
                        Optional<WarmPool.Reservation> claim = claimed ? pool.tryReserve(CODE) : Optional.empty();
                        try {
                            (claim.isPresent() ? claim.get() : pool).run(storm);
                        } finally {
                            claim.ifPresent(WarmPool.Reservation::close);
                            done.incrementAndGet();
                        }
                    });
                }
            } finally {
                threads.shutdown();
            }
            assertThat(threads.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

            assertThat(factory.peak()).isLessThanOrEqualTo(capacity);
            assertThat(factory.started()).flatMap(FakeSandbox::jobs).hasSize(60);
            assertThat(pool.size()).isLessThanOrEqualTo(capacity);
        }
    }

    @Nested
    class Health {

        @Test
        void retiresDeadIdleSandboxesOnTick() {
            WarmPool pool = pool(2, CODE);
            pool.tick();
            FakeSandbox dead = factory.sandbox(1);
            dead.die();

            pool.tick();

            assertThat(dead.destroyed()).isTrue();
            assertThat(factory.started()).hasSize(3);
            assertThat(factory.live()).containsExactly(factory.sandbox(2), factory.sandbox(3));
            assertThat(pool.available(CODE)).isEqualTo(2);
        }

        @Test
        void neverRunsAJobInADeadIdleSandbox() {
            WarmPool pool = pool(1, CODE);
            pool.tick();
            FakeSandbox dead = factory.sandbox(1);
            dead.die();
            Job job = job();

            pool.run(job);

            assertThat(dead.jobs()).isEmpty();
            assertThat(factory.sandbox(2).jobs()).containsExactly(job);
            assertThat(dead.destroyed()).isTrue();
            assertThat(factory.live()).containsExactly(factory.sandbox(3));
        }

        @Test
        void retriesAFailedStartOnTheNextTick() {
            WarmPool pool = pool(1, CODE);
            factory.failNextStarts(1);

            assertThatCode(pool::tick).doesNotThrowAnyException();
            assertThat(factory.attempts()).isEqualTo(1);
            assertThat(status(pool, CODE)).extracting(PoolStatus::idle, PoolStatus::starting)
                    .containsExactly(0, 0);

            pool.tick();

            assertThat(factory.attempts()).isEqualTo(2);
            assertThat(factory.started()).hasSize(1);
            assertThat(pool.available(CODE)).isEqualTo(1);
        }

        @Test
        void retiresAnIdleSandboxAMarginBeforeItsDeadline() {
            factory.lifetime(Duration.ofHours(1));
            WarmPool pool = pool(1, CODE);
            pool.tick();

            clock.advance(Duration.ofHours(1).minus(WarmPool.DEADLINE_MARGIN).minusSeconds(1));
            pool.tick();
            assertThat(factory.sandbox(1).destroyed()).isFalse();

            clock.advance(Duration.ofSeconds(1));
            pool.tick();
            assertThat(factory.sandbox(1).destroyed()).isTrue();
            assertThat(factory.live()).containsExactly(factory.sandbox(2));
        }

        @Test
        void neverHandsAJobToASandboxNearItsDeadline() {
            factory.lifetime(Duration.ofHours(1));
            WarmPool pool = pool(1, CODE);
            pool.tick();
            clock.advance(Duration.ofHours(1).minus(WarmPool.DEADLINE_MARGIN));
            Job job = job();

            pool.run(job);

            assertThat(factory.sandbox(1).jobs()).isEmpty();
            assertThat(factory.started()).filteredOn(s -> s.jobs().contains(job)).hasSize(1)
                    .doesNotContain(factory.sandbox(1));
        }

        @Test
        void singleUseSandboxesDoNotAgeOut() {
            WarmPool pool = pool(1, CODE);
            pool.tick();

            clock.advance(Duration.ofHours(2));
            pool.tick();

            assertThat(factory.started()).hasSize(1);
            assertThat(factory.destroyed()).isEmpty();
        }
    }

    @Nested
    class NamespaceIsolation {

        /** The catalogue as shipped: every type on {@code isolation: namespaces}. */
        private WarmPool isolating(int target) {
            return pool(VmTypeCatalogue.builtIn(), target, ROOMY, SYNC, CODE);
        }

        @Test
        void keepsTheSandboxForItsTenantAfterEveryJobAndNeverGivesItToAnother() {
            WarmPool pool = isolating(1);
            pool.tick();
            FakeSandbox sandbox = factory.sandbox(1);
            Job first = job("acme");
            Job second = job("acme");
            Job other = job("globex");

            pool.run(first);
            pool.run(second);
            pool.run(other);

            assertThat(sandbox.reusable()).isTrue();
            assertThat(sandbox.jobs()).containsExactly(first, second);
            assertThat(factory.started()).filteredOn(s -> s.jobs().contains(other)).hasSize(1)
                    .doesNotContain(sandbox);
        }
    }

    @Nested
    class TenantReuse {

        @TempDir
        Path dir;
        VmTypeCatalogue catalogue;

        @BeforeEach
        void loadCatalogue() throws IOException {
            Path file = dir.resolve("catalogue.yml");
            Files.writeString(file, REUSE_CATALOGUE);
            catalogue = VmTypeCatalogue.load(file);
        }

        private WarmPool reusing(int target) {
            return pool(catalogue, target, ROOMY, SYNC, CODE);
        }

        @Test
        void killsTheSandboxOfACancelledJobAndNeverReusesIt() {
            WarmPool pool = reusing(1);
            pool.tick();
            Job job = job();
            boolean[] found = new boolean[1];
            factory.sandbox(1).during(running -> found[0] = pool.kill(running.id()));

            pool.run(job);

            assertThat(found[0]).isTrue();
            assertThat(factory.sandbox(1).kills).isEqualTo(1);
            assertThat(factory.live()).doesNotContain(factory.sandbox(1));
            assertThat(pool.kill(job.id())).as("not running any more").isFalse();
        }

        @Test
        void startsReusableSandboxes() {
            WarmPool pool = reusing(1);

            pool.tick();

            assertThat(factory.sandbox(1).reusable()).isTrue();
        }

        @Test
        void returnsTheSandboxToThePoolForTheSameTenant() {
            WarmPool pool = reusing(1);
            pool.tick();
            FakeSandbox sandbox = factory.sandbox(1);
            Job first = job("acme");
            Job second = job("acme");

            pool.run(first);

            assertThat(sandbox.destroyed()).isFalse();
            assertThat(pool.available(CODE)).isEqualTo(1);
            assertThat(factory.started()).hasSize(1);

            pool.run(second);

            assertThat(sandbox.jobs()).containsExactly(first, second);
            assertThat(factory.started()).hasSize(1);
        }

        @Test
        void neverHandsATenantsSandboxToAnotherTenant() {
            WarmPool pool = reusing(1);
            pool.tick();
            FakeSandbox acmes = factory.sandbox(1);
            pool.run(job("acme"));

            Job direct = job("globex");
            pool.run(direct);
            Job reserved = job("globex");
            try (WarmPool.Reservation reservation = pool.tryReserve(CODE).orElseThrow()) {
                reservation.run(reserved);
            }

            assertThat(acmes.jobs()).extracting(Job::tenant).containsOnly("acme");
            assertThat(factory.started()).filteredOn(s -> s.jobs().contains(direct)).hasSize(1)
                    .doesNotContain(acmes);
            assertThat(factory.started()).filteredOn(s -> s.jobs().contains(reserved)).hasSize(1)
                    .doesNotContain(acmes);
        }

        @Test
        void aFreshSandboxGoesToWhicheverTenantComesFirst() {
            WarmPool pool = reusing(2);
            pool.tick();
            FakeSandbox first = factory.sandbox(1);
            FakeSandbox second = factory.sandbox(2);

            pool.run(job("acme"));
            pool.run(job("globex"));
            pool.run(job("acme"));
            pool.run(job("globex"));

            assertThat(factory.started()).hasSize(2);
            assertThat(first.jobs()).extracting(Job::tenant).containsExactly("acme", "acme");
            assertThat(second.jobs()).extracting(Job::tenant).containsExactly("globex", "globex");
        }

        @Test
        void retiresAReusedSandboxAfterMaxUses() {
            WarmPool pool = reusing(1);
            pool.tick();
            FakeSandbox sandbox = factory.sandbox(1);

            pool.run(job("acme"));
            pool.run(job("acme"));
            assertThat(sandbox.destroyed()).isFalse();
            pool.run(job("acme"));

            assertThat(sandbox.jobs()).hasSize(3);
            assertThat(sandbox.destroyed()).isTrue();
            assertThat(factory.live()).containsExactly(factory.sandbox(2));
            Job fourth = job("acme");
            pool.run(fourth);
            assertThat(factory.sandbox(2).jobs()).containsExactly(fourth);
        }

        @Test
        void retiresAReusedSandboxPastMaxAgeOnTick() {
            WarmPool pool = reusing(1);
            pool.tick();
            FakeSandbox sandbox = factory.sandbox(1);
            pool.run(job("acme"));

            clock.advance(Duration.ofMillis(60_001));
            pool.tick();

            assertThat(sandbox.destroyed()).isTrue();
            assertThat(factory.live()).containsExactly(factory.sandbox(2));
            assertThat(pool.available(CODE)).isEqualTo(1);
        }

        @Test
        void retiresAnUnusedSandboxPastMaxAgeOnTick() {
            WarmPool pool = reusing(1);
            pool.tick();

            clock.advance(Duration.ofMillis(60_001));
            pool.tick();

            assertThat(factory.sandbox(1).destroyed()).isTrue();
            assertThat(factory.live()).containsExactly(factory.sandbox(2));
        }

        @Test
        void keepsAReusedSandboxYoungerThanMaxAge() {
            WarmPool pool = reusing(1);
            pool.tick();
            FakeSandbox sandbox = factory.sandbox(1);
            pool.run(job("acme"));

            clock.advance(Duration.ofMillis(59_999));
            pool.tick();
            pool.run(job("acme"));

            assertThat(sandbox.jobs()).hasSize(2);
            assertThat(factory.started()).hasSize(1);
        }

        @Test
        void retiresAReusedSandboxThatPassedMaxAgeDuringItsJob() {
            WarmPool pool = reusing(1);
            pool.tick();
            FakeSandbox sandbox = factory.sandbox(1);
            sandbox.during(job -> clock.advance(Duration.ofMillis(60_001)));

            pool.run(job("acme"));

            assertThat(sandbox.destroyed()).isTrue();
            assertThat(factory.live()).containsExactly(factory.sandbox(2));
        }

        @Test
        void doesNotReuseASandboxThatDiedDuringItsJob() {
            WarmPool pool = reusing(1);
            pool.tick();
            FakeSandbox sandbox = factory.sandbox(1);
            sandbox.during(job -> sandbox.die());

            pool.run(job("acme"));

            assertThat(sandbox.destroyed()).isTrue();
            assertThat(factory.live()).containsExactly(factory.sandbox(2));
        }

        @Test
        void doesNotReuseASandboxThatBrokeDuringItsJob() {
            WarmPool pool = reusing(1);
            pool.tick();
            FakeSandbox sandbox = factory.sandbox(1);
            sandbox.breaksOnRun();

            assertThatThrownBy(() -> pool.run(job("acme"))).isInstanceOf(TransientFailure.class);

            assertThat(sandbox.destroyed()).isTrue();
            assertThat(factory.live()).containsExactly(factory.sandbox(2));
        }

        @Test
        void doesNotReturnASandboxToAPoolThatClosedDuringItsJob() {
            WarmPool pool = reusing(1);
            pool.tick();
            FakeSandbox sandbox = factory.sandbox(1);
            sandbox.during(job -> pool.close());

            pool.run(job("acme"));

            assertThat(sandbox.destroyed()).isTrue();
            assertThat(factory.started()).hasSize(1);
            assertThat(pool.available(CODE)).isZero();
        }

        /**
         * {@code Slots.take} says that when only other tenants' sandboxes are idle it retires one "so the pool makes
         * room for a fresh one", but it only returns null: the other tenant's sandbox stays, the cold-started one is
         * destroyed after the job (the pool is at its target), and every further job of this tenant starts cold until
         * the other tenant's sandbox reaches maxUses or maxAgeMs.
         */
        @Test
        void retiresAnotherTenantsIdleSandboxToMakeRoomForAFreshOne() {
            WarmPool pool = reusing(1);
            pool.tick();
            FakeSandbox acmes = factory.sandbox(1);
            pool.run(job("acme"));

            pool.run(job("globex"));
            pool.tick();

            assertThat(acmes.destroyed())
                    .as("acme's idle sandbox is retired when only it is idle and globex needs one")
                    .isTrue();
            int startedBefore = factory.started().size();
            pool.run(job("globex"));
            assertThat(factory.started())
                    .as("globex's next job finds a warm sandbox instead of starting one cold")
                    .hasSize(startedBefore);
        }
    }

    @Nested
    class JobLimits {

        @Test
        void skipsAnIdleSandboxThatDoesNotAcceptTheJobsLimits() {
            factory.gvisor();
            WarmPool pool = pool(1, CODE);
            pool.tick();
            FakeSandbox warm = factory.sandbox(1);
            Job big = bigJob();

            pool.run(big);

            assertThat(warm.jobs()).isEmpty();
            assertThat(warm.destroyed()).isFalse();
            FakeSandbox cold = factory.sandbox(2);
            assertThat(cold.jobs()).containsExactly(big);
            assertThat(cold.limits()).isEqualTo(big.limits());
            assertThat(cold.destroyed()).isTrue();
            assertThat(factory.live()).containsExactly(warm);

            Job usual = job();
            pool.run(usual);
            assertThat(warm.jobs()).containsExactly(usual);
        }

        @Test
        void runsAJobWithOtherLimitsInAWarmSandboxThatCanApplyThem() {
            WarmPool pool = pool(1, CODE);
            pool.tick();
            Job big = bigJob();

            pool.run(big);

            assertThat(factory.sandbox(1).jobs()).containsExactly(big);
            assertThat(factory.started()).hasSize(2); // the used one and its replacement, no cold start
        }
    }

    @Nested
    class Closing {

        @Test
        void closeDestroysIdleSandboxesAndStopsReplenishing() {
            WarmPool pool = pool(2, CODE);
            pool.tick();

            pool.close();

            assertThat(factory.started()).allSatisfy(s -> assertThat(s.destroys()).isEqualTo(1));
            pool.tick();
            pool.setTarget(CODE, 5);
            assertThat(factory.started()).hasSize(2);
            assertThat(pool.tryReserve(CODE)).isEmpty();
            assertThat(pool.available(CODE)).isZero();
            assertThat(pool.size()).isZero();
        }

        @Test
        void destroysABusySandboxWhenItsJobEndsAfterClose() {
            WarmPool pool = pool(2, CODE);
            pool.tick();
            factory.started().forEach(s -> s.during(job -> pool.close()));

            pool.run(job());

            assertThat(factory.started()).hasSize(2);
            assertThat(factory.live()).isEmpty();
            assertThat(pool.size()).isZero();
        }

        @Test
        void destroysASandboxThatFinishesStartingAfterClose() {
            QueuedExecutor starter = new QueuedExecutor();
            WarmPool pool = pool(BUILT_IN, 1, ROOMY, starter, CODE);
            pool.tick();

            pool.close();
            starter.runAll();

            assertThat(factory.started()).hasSize(1);
            assertThat(factory.sandbox(1).destroyed()).isTrue();
            assertThat(pool.available(CODE)).isZero();
            assertThat(pool.size()).isZero();
        }

        @Test
        void givesBackNothingWhenAReservationClosesAfterThePool() {
            WarmPool pool = pool(1, CODE);
            pool.tick();
            WarmPool.Reservation reservation = pool.tryReserve(CODE).orElseThrow();

            pool.close();
            reservation.close();

            assertThat(pool.available(CODE)).isZero();
            assertThat(status(pool, CODE)).extracting(PoolStatus::idle, PoolStatus::busy).containsExactly(0, 0);
        }
    }

    @Nested
    class Status {

        @Test
        void reportsTargetIdleBusyAndStarting() {
            QueuedExecutor starter = new QueuedExecutor();
            WarmPool pool = pool(BUILT_IN, 3, 10, starter, CODE);

            pool.tick();
            assertThat(status(pool, CODE)).isEqualTo(new PoolStatus(CODE, 3, 0, 0, 3, 10, 0, 0.0));

            starter.runAll();
            assertThat(status(pool, CODE)).isEqualTo(new PoolStatus(CODE, 3, 3, 0, 0, 10, 0, 0.0));
            assertThat(status(pool, CODE).warm()).isEqualTo(3);

            pool.tryReserve(CODE).orElseThrow();
            assertThat(status(pool, CODE)).isEqualTo(new PoolStatus(CODE, 3, 2, 1, 0, 10, 0, 0.0));
        }

        @Test
        void reportsARunningJobAsBusy() {
            WarmPool pool = pool(2, CODE);
            pool.tick();
            List<PoolStatus> during = new ArrayList<>();
            factory.started().forEach(s -> s.during(job -> during.add(status(pool, CODE))));

            pool.run(job());

            assertThat(during).singleElement().extracting(PoolStatus::idle, PoolStatus::busy, PoolStatus::starting)
                    .containsExactly(1, 1, 0);
            assertThat(status(pool, CODE)).extracting(PoolStatus::idle, PoolStatus::busy, PoolStatus::served)
                    .containsExactly(2, 0, 1L);
        }

        @Test
        void reportsEveryServedTypeAndOnlyThose() {
            WarmPool pool = pool(BUILT_IN, 1, 7, SYNC, CODE, API);
            pool.tick();

            assertThat(pool.status()).extracting(PoolStatus::vmType).containsExactlyInAnyOrder(CODE, API);
            assertThat(pool.status()).allSatisfy(s -> assertThat(s.capacity()).isEqualTo(7));
        }
    }

    @Nested
    class IdleListeners {

        @Test
        void announcesEachSandboxThatBecomesIdle() {
            WarmPool pool = pool(1, CODE, ML);
            List<VmType> announced = new ArrayList<>();
            pool.onIdle(announced::add);

            pool.tick();
            assertThat(announced).containsExactly(CODE, ML);

            WarmPool.Reservation reservation = pool.tryReserve(CODE).orElseThrow();
            assertThat(announced).hasSize(2);
            reservation.close();
            assertThat(announced).containsExactly(CODE, ML, CODE);

            pool.run(job());
            assertThat(announced).containsExactly(CODE, ML, CODE, CODE); // its replacement
        }

        @Test
        void aFailingListenerDoesNotStopThePool() {
            WarmPool pool = pool(1, CODE);
            List<VmType> announced = new ArrayList<>();
            pool.onIdle(type -> {
                throw new IllegalStateException("listener broke");
            });
            pool.onIdle(announced::add);

            assertThatCode(pool::tick).doesNotThrowAnyException();

            assertThat(pool.available(CODE)).isEqualTo(1);
            assertThat(announced).containsExactly(CODE);
        }
    }

    private static VmTypeCatalogue singleUse() {
        try (var in = VmTypeCatalogue.class.getResourceAsStream("/dev/kiff/core/kiff-catalogue.yml")) {
            String yaml = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .replaceAll("isolation: namespaces, reuse: none, maxUses: \\d+", "isolation: container, reuse: none, maxUses: 1");
            Path file = Files.createTempFile("kiff-catalogue-", ".yml");
            Files.writeString(file, yaml);
            return VmTypeCatalogue.load(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
