package dev.kiff.core.session;

import dev.kiff.core.pool.Sandbox;
import dev.kiff.core.pool.SandboxFactory;
import dev.kiff.core.sandbox.OutputListener;
import dev.kiff.core.sandbox.SandboxOutcome;
import dev.kiff.core.sandbox.SessionSpec;
import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.Limits;
import dev.kiff.model.job.VmType;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** A sandbox that only knows whether it lives, counts interrupts, and opens a session or fails to, as told. */
final class StubSandbox implements Sandbox {

    /** Starts stub sandboxes, recording them in {@code started}. */
    static SandboxFactory factory(Clock clock, List<StubSandbox> started) {
        return new SandboxFactory() {
            @Override
            public Sandbox start(VmType type, boolean reusable, Limits limits) {
                StubSandbox sandbox = new StubSandbox("sandbox-" + (started.size() + 1), type, clock.instant());
                started.add(sandbox);
                return sandbox;
            }

            @Override
            public int removeLeftovers() {
                return 0;
            }
        };
    }

    /** When set, {@link #openSession} fails with it, as a kernel that does not come up. */
    volatile String openFailure;
    volatile SessionSpec opened;

    private final String id;
    private final VmType type;
    private final Instant readyAt;
    volatile boolean alive = true;
    volatile boolean destroyed;
    volatile int interrupts;

    StubSandbox(String id, VmType type, Instant readyAt) {
        this.id = id;
        this.type = type;
        this.readyAt = readyAt;
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
    public boolean accepts(Limits limits) {
        return true;
    }

    @Override
    public SandboxOutcome run(Job job, OutputListener output) {
        throw new UnsupportedOperationException("no jobs here");
    }

    @Override
    public boolean alive() {
        return alive && !destroyed;
    }

    @Override
    public void kill() {
        alive = false;
    }

    @Override
    public void destroy() {
        destroyed = true;
    }

    @Override
    public void interrupt() {
        interrupts++;
    }

    @Override
    public void openSession(SessionSpec spec) {
        if (openFailure != null) {
            alive = false;
            throw new TransientFailure(openFailure);
        }
        opened = spec;
    }
}
