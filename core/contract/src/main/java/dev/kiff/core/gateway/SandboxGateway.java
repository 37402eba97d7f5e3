package dev.kiff.core.gateway;

import dev.kiff.core.job.Job;

/**
 * The only way out of a sandbox. For each job the worker opens a session: a unix socket, mounted into the sandbox,
 * behind which the gateway forwards requests to the service bindings the job's VM type allows (and nothing else),
 * injects their credentials, enforces the job's quotas, audits every call, and takes the job's artifacts.
 */
public interface SandboxGateway {

    /** Opens the gateway of one job; the session ends when the sandbox does. */
    GatewaySession open(Job job);
}
