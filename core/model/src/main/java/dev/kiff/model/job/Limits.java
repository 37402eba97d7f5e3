package dev.kiff.model.job;

/**
 * Resolved resource limits of one job: every value set. {@link RequestedLimits} is what a client may leave partly
 * empty; {@code VmTypePolicy.resolve} (in the core) fills the gaps from the VM type's defaults.
 *
 * @param timeoutMs   wall-clock time from sandbox start until it is killed
 * @param memoryMb    memory hard limit, swap included (no swap)
 * @param cpus        CPU quota in cores, e.g. 0.5
 * @param pids        most processes and threads alive at once
 * @param outputBytes most bytes kept of stdout and of stderr each; the rest is dropped and marked truncated
 */
public record Limits(long timeoutMs, int memoryMb, double cpus, int pids, int outputBytes) {

    /** The smallest limits any VM type accepts: below these a sandbox cannot start an interpreter. */
    public static final Limits MINIMUM = new Limits(100, 16, 0.05, 8, 1024);
}
