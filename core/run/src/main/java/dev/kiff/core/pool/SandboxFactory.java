package dev.kiff.core.pool;

import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.Limits;
import dev.kiff.model.job.VmType;

/** Starts sandboxes for a {@link WarmPool}, and clears away what an earlier run of the worker left. */
public interface SandboxFactory {

    /**
     * Creates and starts a sandbox of the VM type under {@code limits} and waits until its runner is ready.
     *
     * @param reusable whether its runner should wait for further jobs after the first (the type's reuse policy)
     * @param limits   the type's defaults for a warm sandbox, a job's own limits for one started for that job
     * @throws TransientFailure when the engine could not start it (engine away, image missing, runner silent)
     */
    Sandbox start(VmType type, boolean reusable, Limits limits);

    /**
     * Removes every sandbox this worker's name labels that no live pool owns: those of a previous run that was
     * killed. Returns how many were removed.
     */
    int removeLeftovers();
}
