package dev.kiff.core.pool;

import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.Limits;
import dev.kiff.model.job.VmType;
import dev.kiff.core.sandbox.OutputListener;
import dev.kiff.core.sandbox.RunnerCommand;
import dev.kiff.core.sandbox.SandboxOutcome;
import dev.kiff.core.sandbox.SessionOutcome;
import dev.kiff.core.sandbox.SessionSpec;
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

    /**
     * Makes this sandbox hold a session for good: its runner starts a resident kernel (with the spec's limits,
     * environment and files) and answers commands instead of jobs; {@link #run} is refused from then on, and the
     * sandbox never returns to a pool.
     *
     * @throws TransientFailure when the kernel could not be started; the sandbox is then not {@link #alive}
     * @throws UnsupportedOperationException when the runtime has no session mode
     */
    default void openSession(SessionSpec spec) {
        throw new UnsupportedOperationException("sandbox " + id() + " cannot hold a session");
    }

    /**
     * Sends one command to the session's kernel and waits for its end, telling {@code output} what the code writes.
     * One command at a time; {@link #interrupt} may come from another thread meanwhile. When the outcome says
     * {@code alive: false}, the kernel and its state are gone, and so is this sandbox's use.
     *
     * @throws TransientFailure when the sandbox was gone before the command
     */
    default SessionOutcome runInSession(RunnerCommand command, OutputListener output) {
        throw new UnsupportedOperationException("sandbox " + id() + " holds no session");
    }

    /**
     * Interrupts the session's exec under way (a SIGINT, as Ctrl-C at a prompt): the run ends with status 130 and
     * the kernel keeps its state. Nothing happens when no exec runs. Never throws.
     */
    default void interrupt() {
    }
}
