package dev.kiff.bench;

import dev.kiff.core.scale.PoolPolicy;
import dev.kiff.core.scale.PoolSignals;
import dev.kiff.core.scale.PoolSizing;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToIntFunction;

/**
 * A deterministic simulator of one VM type's warm pool: drives {@link PoolSizing} — the scheduler's own policy
 * function — with arrival traces, beside a fixed pool and a KEDA-style rule (replicas = ceil(lag / threshold)), and
 * prints p50/p99 queue wait and idle sandbox-seconds for each.
 *
 * <p>Model: time advances in 100 ms steps; a job keeps a sandbox busy for {@link #SERVICE_SECONDS}; sandboxes are
 * single-use, so a finished one is replaced, which takes {@link #START_SECONDS}; a new slot also takes that long to
 * become warm; the pool is resized every {@link #DECISION_SECONDS}. Arrivals are spread evenly (no randomness), so
 * every run prints the same table.
 */
public final class PoolSimulator {

    static final double STEP = 0.1;
    static final double SERVICE_SECONDS = 0.5;
    static final double START_SECONDS = 0.3;
    static final double DECISION_SECONDS = 5.0;
    static final int CAPACITY = 32;

    /** A trace: arrivals per second at time t, a burst of jobs at one moment, and whether a poison record sits. */
    record Trace(String name, double seconds, DoubleUnaryOperator rate, double burstAt, int burst, boolean poison) {
    }

    /** A rule for the warm-slot target, given the simulated state. */
    interface Rule {
        String name();

        int target(State state);
    }

    /** What a rule may look at. */
    record State(long lag, double arrivalsPerSecond, double lagStalledSeconds, int currentTarget,
            double secondsSinceChange) {
    }

    record Result(String trace, String rule, double p50Ms, double p99Ms, double idleSlotSeconds, int maxSlots) {
    }

    public static void main(String[] args) {
        System.out.print(table(run()));
    }

    /** Every trace under every rule. */
    public static List<Result> run() {
        List<Trace> traces = List.of(
                new Trace("steady 4/s", 600, t -> 4, -1, 0, false),
                new Trace("burst 200 at 0.5/s", 600, t -> 0.5, 100, 200, false),
                new Trace("diurnal 0.5-8/s", 1200, t -> 4.25 + 3.75 * Math.sin(2 * Math.PI * t / 1200), -1, 0, false),
                new Trace("poison + 0.2/s", 600, t -> 0.2, -1, 0, true));
        PoolPolicy policy = PoolPolicy.defaults(1, CAPACITY);
        List<Rule> rules = List.of(
                // A single-use slot is busy for the job and then for its replacement's start.
                rule("kiff policy", s -> PoolSizing.decide(new PoolSignals(s.lag(), s.arrivalsPerSecond(),
                        SERVICE_SECONDS + START_SECONDS, s.lagStalledSeconds(), s.currentTarget(), CAPACITY,
                        s.secondsSinceChange()), policy).target()),
                rule("fixed 4", s -> 4),
                rule("KEDA lag/5", s -> (int) Math.max(1, Math.min(CAPACITY, Math.ceil(s.lag() / 5.0)))));
        List<Result> results = new ArrayList<>();
        for (Trace trace : traces) {
            for (Rule rule : rules) {
                results.add(simulate(trace, rule));
            }
        }
        return results;
    }

    /** The results as a Markdown table. */
    public static String table(List<Result> results) {
        StringBuilder table = new StringBuilder();
        table.append("| trace | rule | p50 wait (ms) | p99 wait (ms) | idle sandbox-s | max slots |\n");
        table.append("|---|---|---|---|---|---|\n");
        for (Result r : results) {
            table.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.0f | %.0f | %d |%n", r.trace(), r.rule(),
                    r.p50Ms(), r.p99Ms(), r.idleSlotSeconds(), r.maxSlots()));
        }
        return table.toString();
    }

    static Rule rule(String name, ToIntFunction<State> target) {
        return new Rule() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int target(State state) {
                return target.applyAsInt(state);
            }
        };
    }

    static Result simulate(Trace trace, Rule rule) {
        ArrayDeque<Double> queue = new ArrayDeque<>();
        List<Double> waits = new ArrayList<>();
        // Each slot: the time it is free again (busy or starting until then).
        List<Double> slots = new ArrayList<>();
        int target = 1;
        slots.add(0.0);
        double owed = 0;
        double idle = 0;
        double lastChange = 0;
        double nextDecision = DECISION_SECONDS;
        int arrivalsInWindow = 0;
        int maxSlots = 1;
        long stepsTotal = Math.round(trace.seconds() / STEP);
        for (long step = 0; step < stepsTotal; step++) {
            double now = step * STEP;
            owed += trace.rate().applyAsDouble(now) * STEP;
            while (owed >= 1) {
                queue.add(now);
                owed -= 1;
                arrivalsInWindow++;
            }
            if (trace.burst() > 0 && Math.abs(now - trace.burstAt()) < STEP / 2) {
                for (int i = 0; i < trace.burst(); i++) {
                    queue.add(now);
                }
                arrivalsInWindow += trace.burst();
            }
            for (int i = 0; i < slots.size() && !queue.isEmpty(); i++) {
                if (slots.get(i) <= now) {
                    waits.add(now - queue.poll());
                    slots.set(i, now + SERVICE_SECONDS + START_SECONDS);
                }
            }
            for (double free : slots) {
                if (free <= now) {
                    idle += STEP;
                }
            }
            if (now >= nextDecision) {
                long lag = queue.size() + (trace.poison() ? 1 : 0);
                double stalled = trace.poison() && queue.isEmpty() ? now : 0;
                int wanted = rule.target(new State(lag, arrivalsInWindow / DECISION_SECONDS, stalled, target,
                        now - lastChange));
                if (wanted != target) {
                    lastChange = now;
                }
                while (slots.size() < wanted) {
                    slots.add(now + START_SECONDS);
                }
                // Shrinking retires idle slots first; busy ones finish their job and are not replaced.
                slots.sort(Collections.reverseOrder());
                while (slots.size() > wanted) {
                    slots.remove(slots.size() - 1);
                }
                target = wanted;
                maxSlots = Math.max(maxSlots, target);
                arrivalsInWindow = 0;
                nextDecision += DECISION_SECONDS;
            }
        }
        Collections.sort(waits);
        return new Result(trace.name(), rule.name(), percentile(waits, 0.50) * 1000, percentile(waits, 0.99) * 1000,
                idle, maxSlots);
    }

    static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
    }
}
