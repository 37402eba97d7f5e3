package dev.kiff.core.pool;

import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.Limits;
import dev.kiff.model.job.VmType;
import dev.kiff.core.sandbox.OutputListener;
import dev.kiff.core.sandbox.Outcomes;
import dev.kiff.core.sandbox.SandboxOutcome;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * In-memory sandboxes for {@link WarmPool} tests: a factory that records every sandbox it started and can be told to
 * fail, and sandboxes that record the jobs they ran and whether they were destroyed. Single-threaded, like the
 * synchronous executor the tests give the pool.
 */
final class FakeSandboxes {

    private FakeSandboxes() {
    }

    /** Starts {@link FakeSandbox}es, ready at the clock's time. */
    static final class FakeSandboxFactory implements SandboxFactory {

        private final Clock clock;
        private final List<FakeSandbox> started = new java.util.concurrent.CopyOnWriteArrayList<>();
        private boolean gvisor;
        private int failures;
        private int attempts;
        private int peak;
        private java.time.Duration lifetime;

        FakeSandboxFactory(Clock clock) {
            this.clock = clock;
        }

        /**
         * Its sandboxes behave like gVisor ones: limits cannot be changed on a running sandbox, so each accepts only
         * the limits it was started with.
         */
        FakeSandboxFactory gvisor() {
            this.gvisor = true;
            return this;
        }

        /** Its sandboxes carry a deadline this long after they are ready. */
        FakeSandboxFactory lifetime(java.time.Duration lifetime) {
            this.lifetime = lifetime;
            return this;
        }

        /** The next {@code count} starts throw {@link TransientFailure}, as when the engine is away. */
        void failNextStarts(int count) {
            this.failures = count;
        }

        @Override
        public synchronized Sandbox start(VmType type, boolean reusable, Limits limits) {
            attempts++;
            if (failures > 0) {
                failures--;
                throw new TransientFailure("engine away");
            }
            FakeSandbox sandbox = new FakeSandbox("sandbox-" + (started.size() + 1), type, reusable, limits,
                    clock.instant(), gvisor);
            if (lifetime != null) {
                sandbox.deadline = clock.instant().plus(lifetime);
            }
            started.add(sandbox);
            peak = Math.max(peak, live().size());
            return sandbox;
        }

        @Override
        public int removeLeftovers() {
            return 0;
        }

        /** Every sandbox started, in order. */
        List<FakeSandbox> started() {
            return List.copyOf(started);
        }

        List<FakeSandbox> started(VmType type) {
            return started.stream().filter(s -> s.vmType() == type).toList();
        }

        /** The sandbox started {@code n}th, counting from 1. */
        FakeSandbox sandbox(int n) {
            return started.get(n - 1);
        }

        List<FakeSandbox> destroyed() {
            return started.stream().filter(FakeSandbox::destroyed).toList();
        }

        /** Sandboxes started and not destroyed. */
        List<FakeSandbox> live() {
            return started.stream().filter(s -> !s.destroyed()).toList();
        }

        List<FakeSandbox> live(VmType type) {
            return live().stream().filter(s -> s.vmType() == type).toList();
        }

        /** The most sandboxes that were started and not yet destroyed at any one time. */
        synchronized int peak() {
            return peak;
        }

        /** Calls to {@link #start}, failed ones included. */
        int attempts() {
            return attempts;
        }
    }

    /** A sandbox whose runner answers every job with exit 0, unless told otherwise. */
    static final class FakeSandbox implements Sandbox {

        private final String id;
        private final VmType type;
        private final boolean reusable;
        private final Limits limits;
        private final Instant readyAt;
        private final boolean gvisor;
        private final List<Job> jobs = new ArrayList<>();
        private SandboxOutcome outcome = Outcomes.exit(0).build();
        private Consumer<Job> during = job -> { };
        private boolean breakOnRun;
        private boolean alive = true;
        private volatile int destroys;
        private Instant deadline = Instant.MAX;

        @Override
        public Instant deadline() {
            return deadline;
        }

        FakeSandbox(String id, VmType type, boolean reusable, Limits limits, Instant readyAt, boolean gvisor) {
            this.id = id;
            this.type = type;
            this.reusable = reusable;
            this.limits = limits;
            this.readyAt = readyAt;
            this.gvisor = gvisor;
        }

        /** The runner went away or something marked it (a kill, an out-of-memory event). */
        void die() {
            alive = false;
        }

        int kills;

        @Override
        public void kill() {
            kills++;
            alive = false;
        }

        /** What its next jobs report. */
        void answers(SandboxOutcome outcome) {
            this.outcome = outcome;
        }

        /** Runs while a job is in the sandbox, e.g. to move the clock or look at the pool mid-job. */
        void during(Consumer<Job> action) {
            this.during = action;
        }

        /** Its next job breaks it: run throws {@link TransientFailure}. */
        void breaksOnRun() {
            this.breakOnRun = true;
        }

        boolean reusable() {
            return reusable;
        }

        Limits limits() {
            return limits;
        }

        List<Job> jobs() {
            return List.copyOf(jobs);
        }

        boolean destroyed() {
            return destroys > 0;
        }

        int destroys() {
            return destroys;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public VmType vmType() {
            return type;
        }

        @Override
        public Instant readyAt() {
            return readyAt;
        }

        @Override
        public boolean accepts(Limits jobLimits) {
            return !gvisor || limits.equals(jobLimits);
        }

        @Override
        public SandboxOutcome run(Job job, OutputListener output) {
            if (destroyed()) {
                throw new IllegalStateException(id + " ran a job after it was destroyed");
            }
            if (!alive) {
                throw new IllegalStateException(id + " ran a job after it died");
            }
            jobs.add(job);
            during.accept(job);
            if (breakOnRun) {
                breakOnRun = false;
                alive = false;
                throw new TransientFailure(id + " broke");
            }
            return outcome;
        }

        @Override
        public boolean alive() {
            return alive && !destroyed();
        }

        @Override
        public void destroy() {
            destroys++;
        }

        @Override
        public String toString() {
            return id;
        }
    }
}
