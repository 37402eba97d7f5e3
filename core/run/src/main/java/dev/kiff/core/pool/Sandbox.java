package dev.kiff.core.pool;

import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.Limits;
import dev.kiff.model.job.VmType;
import dev.kiff.core.sandbox.OutputListener;
import dev.kiff.core.sandbox.SandboxOutcome;
import java.time.Instant;

/**
 * A started sandbox whose resident runner waits for a job: the unit a {@link WarmPool} keeps warm. The pool owns it:
 * at most one job runs in it at a time, and the pool destroys it.
 */
public interface Sandbox {

    /** A short name for logs (the container id, for Docker). */
    String id();

    VmType vmType();

    /** When the sandbox was ready for its first job. */
    Instant readyAt();

    /**
     * When the sandbox ends itself once idle, whether or not its worker is still there; the pool retires it
     * {@link WarmPool#DEADLINE_MARGIN} before. {@link Instant#MAX} for one without a deadline.
     */
    default Instant deadline() {
        return Instant.MAX;
    }

    /**
     * Whether a job with these limits can run here: the limits it was started with, or ones the runtime can apply
     * to a running sandbox (Docker's runc can; gVisor cannot).
     */
    boolean accepts(Limits limits);

    /**
     * Hands the job to the runner and waits for the outcome, within the job's limits (applied to this sandbox first
     * when they differ from what it was started with),
     * telling {@code output} what the code writes as it writes it.
     *
     * @throws TransientFailure when the sandbox broke before the job reached an outcome
     */
    SandboxOutcome run(Job job, OutputListener output);

    /**
     * Whether it can take another job: the runner is still waiting, and nothing (a kill, an out-of-memory event, a
     * flood) has marked it. Checked without a call to the engine.
     */
    boolean alive();

    /**
     * Kills the job running in it now (a cancellation): {@link #run} returns with the outcome of the killed code,
     * and the sandbox is not used again. Never throws.
     */
    void kill();

    /** Stops and removes it. Idempotent; never throws. */
    void destroy();
}
