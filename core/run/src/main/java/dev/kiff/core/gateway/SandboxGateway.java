package dev.kiff.core.gateway;

import dev.kiff.model.job.Job;
import java.nio.file.Path;

/**
 * The only way out of a sandbox. For each job the worker opens a session: a unix socket, mounted into the sandbox,
 * behind which the gateway forwards requests to the service bindings the job's VM type allows (and nothing else),
 * injects their credentials, enforces the job's quotas, audits every call, and takes the job's artifacts.
 */
public interface SandboxGateway {

    /**
     * Opens the gateway of one job: its socket is created in {@code directory}, the host directory that its sandbox
     * mounts at {@link GatewaySession#SANDBOX_DIRECTORY}. The session ends with the job; the directory stays the
     * sandbox's.
     */
    GatewaySession open(Job job, Path directory);
}
