package dev.kiff.core.scale;

import dev.kiff.model.control.PoolTargets;
import dev.kiff.model.control.WorkerState;
import dev.kiff.model.failure.TransientFailure;
import dev.kiff.core.job.PoolSpec;
import dev.kiff.model.job.VmType;
import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.core.lag.LagReader;
import dev.kiff.core.lag.QueueLag;
import dev.kiff.model.control.PoolStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the warm pools are sized: every {@link #tick()} the leading scheduler reads each VM type's lag, estimates its
 * arrival rate (growth of the topic's end offsets) and service time (from the workers' reports), asks
 * {@link PoolSizing#decide} for the type's total of warm slots, splits the totals over the live workers
 * ({@link TargetSplit}), and hands each worker its targets. A standby instance does nothing until it leads; it then
 * starts from the targets the workers report, so a takeover does not reset the pools.
 *
 * <p>Every decision is kept, with its inputs, for {@link #recent()}.
 */
public final class PoolScheduler {

    private static final Logger log = LoggerFactory.getLogger(PoolScheduler.class);
    /** Weight of the newest sample in the smoothed rates. */
    private static final double SMOOTHING = 0.5;
    /** Service time assumed before any worker has reported one. */
    private static final double DEFAULT_SERVICE_SECONDS = 0.5;

    private final LagReader lag;
    private final FleetView fleet;
    private final TargetPublisher publisher;
    private final Leadership leadership;
    private final Function<PoolSpec, PoolPolicy> policies;
    private final VmTypeCatalogue catalogue;
    private final Clock clock;
    private final int historySize;
    private final Duration republishEvery;
    private final Map<VmType, TypeState> states = new EnumMap<>(VmType.class);
    private final Deque<Decision> history = new ArrayDeque<>();
    private final Map<String, Map<VmType, Integer>> published = new HashMap<>();
    private Instant lastRepublish = Instant.EPOCH;
    private boolean wasLeading;

    /**
     * @param policies       the sizing knobs for a VM type, from its catalogue pool spec (min, max)
     * @param historySize    how many decisions {@link #recent()} keeps
     * @param republishEvery targets are sent again this often even unchanged, so a worker that missed them (or
     *                       joined) converges
     */
    public PoolScheduler(LagReader lag, FleetView fleet, TargetPublisher publisher, Leadership leadership,
            VmTypeCatalogue catalogue, Function<PoolSpec, PoolPolicy> policies, int historySize,
            Duration republishEvery, Clock clock) {
        this.lag = lag;
        this.fleet = fleet;
        this.publisher = publisher;
        this.leadership = leadership;
        this.catalogue = catalogue;
        this.policies = policies;
        this.historySize = historySize;
        this.republishEvery = republishEvery;
        this.clock = clock;
    }

    /** One round of decisions; empty when this instance does not lead or the lag could not be read. */
    public synchronized List<Decision> tick() {
        if (!leadership.leading()) {
            if (wasLeading) {
                log.info("Scheduler({}) no longer leads; standing by", leadership.instanceId());
                wasLeading = false;
            }
            states.clear(); // a later takeover starts from what the workers report, not from stale figures
            published.clear();
            return List.of();
        }
        if (!wasLeading) {
            log.info("Scheduler({}) leads: sizing the warm pools", leadership.instanceId());
            wasLeading = true;
        }
        List<QueueLag> queues;
        try {
            queues = lag.read();
        } catch (TransientFailure e) {
            log.warn("Scheduler({}) could not read the lag, keeping the targets: {}", leadership.instanceId(),
                    e.getMessage());
            return List.of();
        }
        Instant now = clock.instant();
        List<WorkerState> workers = fleet.liveWorkers();
        Map<VmType, Integer> totals = new EnumMap<>(VmType.class);
        Map<VmType, PoolSignals> signals = new EnumMap<>(VmType.class);
        Map<VmType, PoolDecision> decisions = new EnumMap<>(VmType.class);
        for (QueueLag queue : queues) {
            VmType type = queue.vmType();
            PoolPolicy policy = policies.apply(catalogue.policy(type).pool());
            TypeState state = states.computeIfAbsent(type, t -> new TypeState(reportedTarget(t, workers, policy),
                    now));
            PoolSignals seen = state.observe(queue, workers, now);
            PoolDecision decision = PoolSizing.decide(seen, policy);
            if (decision.target() != state.target) {
                log.info("Pool({}) target {} -> {}: {}", type.wireName(), state.target, decision.target(),
                        decision.reason());
                state.target = decision.target();
                state.changedAt = now;
            }
            totals.put(type, state.target);
            signals.put(type, seen);
            decisions.put(type, decision);
        }
        Map<String, Map<VmType, Integer>> split = TargetSplit.split(totals, workers);
        boolean republish = !Duration.between(lastRepublish, now).minus(republishEvery).isNegative();
        for (Map.Entry<String, Map<VmType, Integer>> entry : split.entrySet()) {
            if (republish || !entry.getValue().equals(published.get(entry.getKey()))) {
                try {
                    publisher.publish(new PoolTargets(PoolTargets.VERSION, entry.getKey(), entry.getValue(), now,
                            leadership.instanceId()));
                    published.put(entry.getKey(), entry.getValue());
                } catch (TransientFailure e) {
                    log.warn("Scheduler({}) could not hand worker {} its targets: {}", leadership.instanceId(),
                            entry.getKey(), e.getMessage());
                }
            }
        }
        if (republish) {
            lastRepublish = now;
        }
        List<Decision> made = new ArrayList<>();
        for (VmType type : decisions.keySet()) {
            Map<String, Integer> perWorker = new HashMap<>();
            split.forEach((worker, targets) -> {
                if (targets.containsKey(type)) {
                    perWorker.put(worker, targets.get(type));
                }
            });
            made.add(new Decision(now, type, signals.get(type), decisions.get(type), perWorker,
                    leadership.instanceId()));
        }
        for (Decision decision : made) {
            history.addFirst(decision);
            while (history.size() > historySize) {
                history.removeLast();
            }
        }
        return made;
    }

    /** The latest decisions, newest first. */
    public synchronized List<Decision> recent() {
        return List.copyOf(history);
    }

    /** The total target per VM type now in force (empty while standing by). */
    public synchronized Map<VmType, Integer> targets() {
        Map<VmType, Integer> targets = new EnumMap<>(VmType.class);
        states.forEach((type, state) -> targets.put(type, state.target));
        return targets;
    }

    /** What the workers hold as target for the type now, so a new leader starts where the last one left off. */
    private static int reportedTarget(VmType type, List<WorkerState> workers, PoolPolicy policy) {
        int sum = workers.stream().flatMap(w -> w.pools().stream()).filter(p -> p.vmType() == type)
                .mapToInt(PoolStatus::target).sum();
        return Math.max(policy.min(), sum);
    }

    /** The running estimates for one VM type. */
    private static final class TypeState {
        int target;
        Instant changedAt;
        Instant readAt;
        long produced = -1;
        long committed = -1;
        double arrivals;
        double stalledSeconds;
        long served = -1;
        double busySeconds;
        double serviceSeconds = DEFAULT_SERVICE_SECONDS;

        TypeState(int target, Instant now) {
            this.target = target;
            this.changedAt = now;
        }

        PoolSignals observe(QueueLag queue, List<WorkerState> workers, Instant now) {
            double dt = readAt == null ? 0 : Duration.between(readAt, now).toMillis() / 1000.0;
            if (dt > 0 && produced >= 0) {
                double sample = Math.max(0, queue.produced() - produced) / dt;
                arrivals = SMOOTHING * sample + (1 - SMOOTHING) * arrivals;
            }
            if (queue.lag() > 0 && committed >= 0 && queue.committed() == committed) {
                stalledSeconds += dt;
            } else {
                stalledSeconds = 0;
            }
            long servedNow = 0;
            double busyNow = 0;
            int capacity = 0;
            for (WorkerState worker : workers) {
                for (PoolStatus pool : worker.pools()) {
                    if (pool.vmType() == queue.vmType()) {
                        servedNow += pool.served();
                        busyNow += pool.busySeconds();
                        capacity += worker.poolRoom();
                    }
                }
            }
            if (served >= 0 && servedNow > served && busyNow >= busySeconds) {
                double sample = (busyNow - busySeconds) / (servedNow - served);
                serviceSeconds = SMOOTHING * sample + (1 - SMOOTHING) * serviceSeconds;
            }
            served = servedNow;
            busySeconds = busyNow;
            produced = queue.produced();
            committed = queue.committed();
            readAt = now;
            return new PoolSignals(queue.lag(), arrivals, serviceSeconds, stalledSeconds, target, capacity,
                    Duration.between(changedAt, now).toMillis() / 1000.0);
        }
    }
}
