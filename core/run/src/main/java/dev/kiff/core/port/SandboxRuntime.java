package dev.kiff.core.port;

import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.Job;
import dev.kiff.core.sandbox.OutputListener;
import dev.kiff.core.sandbox.SandboxOutcome;

/**
 * Runs one job's code in an isolated sandbox under the job's limits and reports what happened. The sandbox is gone
 * when this returns, whatever the outcome.
 */
public interface SandboxRuntime {

    /**
     * @throws TransientFailure when the platform could not run the job (engine unreachable, image missing); the
     *                          user's code did not run to an outcome, so the job may be tried again
     */
    default SandboxOutcome run(Job job) {
        return run(job, OutputListener.NONE);
    }

    /** As {@link #run(Job)}, telling {@code output} what the code writes while it runs. */
    SandboxOutcome run(Job job, OutputListener output);
}
