package dev.kiff.core.scale;

import dev.kiff.core.time.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.model.control.PoolTargets;
import dev.kiff.model.control.WorkerState;
import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.VmType;
import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.core.lag.QueueLag;
import dev.kiff.model.control.PoolStatus;
import dev.kiff.core.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoolSchedulerTest {

    private static final Duration TICK = Duration.ofSeconds(2);
    private static final VmType CODE = VmType.CODE_EXEC;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    private final Map<VmType, long[]> offsets = new EnumMap<>(VmType.class); // produced, committed
    private final List<WorkerState> workers = new ArrayList<>();
    private final List<PoolTargets> published = new ArrayList<>();
    private boolean leading = true;
    private boolean lagReadable = true;

    private final PoolScheduler scheduler = new PoolScheduler(this::lag, () -> List.copyOf(workers), published::add,
            new Leadership() {
                @Override
                public boolean leading() {
                    return leading;
                }

                @Override
                public String instanceId() {
                    return "scheduler-a";
                }
            }, VmTypeCatalogue.builtIn(),
            spec -> new PoolPolicy(spec.min(), spec.max(), 2.0, 0.25, 1, 30.0, 0.2, 20.0), 100,
            Duration.ofSeconds(30), clock);

    private List<QueueLag> lag() {
        if (!lagReadable) {
            throw new TransientFailure("broker away");
        }
        List<QueueLag> queues = new ArrayList<>();
        for (VmType type : VmType.values()) {
            long[] o = offsets.getOrDefault(type, new long[] {0, 0});
            queues.add(new QueueLag(type, Topics.jobs(type), o[0] - o[1], o[0], o[1]));
        }
        return queues;
    }

    private void worker(String id, int capacity, int codeTarget, long served, double busySeconds) {
        workers.removeIf(w -> w.workerId().equals(id));
        List<PoolStatus> pools = new ArrayList<>();
        for (VmType type : VmType.values()) {
            pools.add(type == CODE
                    ? new PoolStatus(type, codeTarget, codeTarget, 0, 0, capacity, served, busySeconds)
                    : new PoolStatus(type, 1, 1, 0, 0, capacity, 0, 0));
        }
        workers.add(new WorkerState(WorkerState.VERSION, id, clock.instant(), capacity, pools));
    }

    private void produce(long records) {
        offsets.computeIfAbsent(CODE, t -> new long[2])[0] += records;
    }

    private void commit(long records) {
        offsets.computeIfAbsent(CODE, t -> new long[2])[1] += records;
    }

    private Decision tick() {
        clock.advance(TICK);
        return scheduler.tick().stream().filter(d -> d.vmType() == CODE).findFirst().orElse(null);
    }

    @Test
    void keepsTheMinimumWhileIdle() {
        worker("w1", 8, 1, 0, 0);
        assertThat(tick().decision().target()).isEqualTo(1);
        assertThat(tick().decision().target()).isEqualTo(1);
    }

    @Test
    void scalesUpAtOnceToDrainABurstAndSplitsItOverTheWorkers() {
        worker("w1", 8, 1, 0, 0);
        worker("w2", 8, 1, 0, 0);
        tick();
        produce(40);

        Decision burst = tick();

        assertThat(burst.signals().lag()).isEqualTo(40);
        assertThat(burst.decision().target()).isEqualTo(8).as("the catalogue's max for code-exec");
        assertThat(burst.perWorker()).containsEntry("w1", 4).containsEntry("w2", 4);
        assertThat(published).filteredOn(t -> t.workerId().equals("w1")).last()
                .satisfies(t -> assertThat(t.targets()).containsEntry(CODE, 4));
    }

    @Test
    void aBurstGetsOnlyTheRoomSessionsLeave() {
        worker("w1", 8, 1, 0, 0);
        List<PoolStatus> pools = new ArrayList<>(workers.get(0).pools());
        pools.replaceAll(p -> p.vmType() == CODE
                ? new PoolStatus(CODE, 1, 1, 0, 0, 8, 0, 0, 5) : p);
        workers.set(0, new WorkerState(WorkerState.VERSION, "w1", clock.instant(), 8, pools));
        tick();
        produce(40);

        Decision burst = tick();

        assertThat(burst.signals().capacity()).as("8 slots, 5 held by sessions").isEqualTo(3);
        assertThat(burst.decision().target()).isEqualTo(3);
    }

    @Test
    void fallsBackToTheMinimumOnlyAfterTheCooldown() {
        worker("w1", 8, 1, 0, 0);
        tick();
        produce(40);
        assertThat(tick().decision().target()).isEqualTo(8);
        commit(40);
        worker("w1", 8, 8, 40, 20.0);

        List<Integer> targets = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            targets.add(tick().decision().target());
        }

        assertThat(targets.get(0)).as("held within the cool-down").isEqualTo(8);
        assertThat(targets.get(targets.size() - 1)).isEqualTo(1);
    }

    @Test
    void ignoresLagThatHasStalledAsAPoisonRecord() {
        worker("w1", 8, 1, 0, 0);
        tick();
        produce(3);
        assertThat(tick().decision().drain()).isPositive();

        Decision later = null;
        for (int i = 0; i < 20; i++) {
            later = tick();
        }

        assertThat(later.signals().lagStalledSeconds()).isGreaterThanOrEqualTo(30.0);
        assertThat(later.decision().drain()).isZero();
        assertThat(later.decision().reason()).contains("poison");
    }

    @Test
    void learnsTheServiceTimeFromTheWorkersReports() {
        worker("w1", 8, 1, 10, 5.0);
        tick();
        worker("w1", 8, 1, 30, 25.0);

        Decision decision = tick();

        assertThat(decision.signals().serviceSeconds()).isEqualTo(0.5 * 1.0 + 0.5 * 0.5);
    }

    @Test
    void aStandbyDecidesNothingAndATakeoverStartsFromTheWorkersTargets() {
        leading = false;
        worker("w1", 8, 5, 0, 0);
        assertThat(scheduler.tick()).isEmpty();
        assertThat(published).isEmpty();

        leading = true;
        Decision first = tick();

        assertThat(first.signals().currentTarget()).isEqualTo(5);
        assertThat(first.leader()).isEqualTo("scheduler-a");
    }

    @Test
    void keepsTheTargetsWhenTheLagCannotBeRead() {
        worker("w1", 8, 1, 0, 0);
        tick();
        lagReadable = false;
        int before = published.size();

        assertThat(scheduler.tick()).isEmpty();
        assertThat(published).hasSize(before);
    }

    @Test
    void remembersItsDecisionsNewestFirst() {
        worker("w1", 8, 1, 0, 0);
        tick();
        tick();

        assertThat(scheduler.recent()).hasSize(2 * VmType.values().length);
        assertThat(scheduler.recent().get(0).at()).isAfter(scheduler.recent().get(scheduler.recent().size() - 1).at());
    }
}
