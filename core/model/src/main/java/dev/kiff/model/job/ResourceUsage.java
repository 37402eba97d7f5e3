package dev.kiff.model.job;

/**
 * What one run of a job consumed, as the sandbox measured it: part of every result. A figure the sandbox could not
 * measure is null (a run that never started measured nothing).
 *
 * @param cpuMs         CPU time of the job's processes, user and system, in milliseconds
 * @param peakMemoryMb  the largest resident set of any of the job's processes, in MiB (rounded up)
 * @param outputBytes   bytes the job wrote to stdout and stderr together, before any truncation
 * @param gatewayCalls  requests the job made through the gateway, refused ones included
 * @param gatewayBytes  bytes of those requests and their responses
 */
public record ResourceUsage(Long cpuMs, Long peakMemoryMb, Long outputBytes, Integer gatewayCalls,
        Long gatewayBytes) {

    /** Nothing measured. */
    public static final ResourceUsage UNKNOWN = new ResourceUsage(null, null, null, null, null);
}
