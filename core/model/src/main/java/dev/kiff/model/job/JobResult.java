package dev.kiff.model.job;

import java.util.List;
import java.util.UUID;

/**
 * Where a job stands, and once it is terminal, how it ended: the value published on {@code kiff.results} (contract
 * version {@code v}) and answered by {@code GET /v1/jobs/{id}}.
 *
 * @param exitCode the user process's exit code; {@code null} when it never ran or was killed by the platform
 * @param message  a human-readable reason for every status but {@code SUCCEEDED}
 * @param attempts  how many times a worker started this job
 * @param usage     what the run that gave this result consumed; null when no run ended in it (the job is queued or
 *                  running, or ended without a run of its own: cancelled, rejected, dead-lettered) or the sandbox
 *                  measured nothing
 * @param artifacts the files the job left in {@code /out}, downloadable at {@code /v1/jobs/{id}/artifacts/{name}}
 * @param batchId   the batch the job belongs to, or null
 * @param attemptHistory every run of the job, oldest first, with why a run did not count
 * @param deadLettered   whether the job ran out of attempts and was put on {@code kiff.jobs.dlq}
 * @param sessionId      the session the job ran in (a run or a file operation of it), or null
 * @param display        rich output of a session run (last expression, plots, a file listing), oldest first
 */
public record JobResult(
        int v,
        UUID id,
        String tenant,
        VmType vmType,
        JobStatus status,
        Integer exitCode,
        String stdout,
        boolean stdoutTruncated,
        String stderr,
        boolean stderrTruncated,
        String message,
        String workerId,
        int attempts,
        Timings timings,
        ResourceUsage usage,
        List<ArtifactInfo> artifacts,
        UUID batchId,
        List<Attempt> attemptHistory,
        boolean deadLettered,
        UUID sessionId,
        List<DisplayItem> display) {

    public JobResult {
        display = display == null ? List.of() : List.copyOf(display);
        artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
        attemptHistory = attemptHistory == null ? List.of() : List.copyOf(attemptHistory);
        // One way to say "nothing measured", so a result reads back from the store as it was written.
        usage = ResourceUsage.UNKNOWN.equals(usage) ? null : usage;
    }

    /** A result of a job in no session (the components before sessions were part of results). */
    public JobResult(int v, UUID id, String tenant, VmType vmType, JobStatus status, Integer exitCode, String stdout,
            boolean stdoutTruncated, String stderr, boolean stderrTruncated, String message, String workerId,
            int attempts, Timings timings, ResourceUsage usage, List<ArtifactInfo> artifacts, UUID batchId,
            List<Attempt> attemptHistory, boolean deadLettered) {
        this(v, id, tenant, vmType, status, exitCode, stdout, stdoutTruncated, stderr, stderrTruncated, message,
                workerId, attempts, timings, usage, artifacts, batchId, attemptHistory, deadLettered, null, List.of());
    }

    /** A result outside any batch, with no attempt history recorded and no usage measured. */
    public JobResult(int v, UUID id, String tenant, VmType vmType, JobStatus status, Integer exitCode, String stdout,
            boolean stdoutTruncated, String stderr, boolean stderrTruncated, String message, String workerId,
            int attempts, Timings timings, List<ArtifactInfo> artifacts) {
        this(v, id, tenant, vmType, status, exitCode, stdout, stdoutTruncated, stderr, stderrTruncated, message,
                workerId, attempts, timings, null, artifacts, null, List.of(), false);
    }

    /** A result with no usage measured (the components before usage was part of results). */
    public JobResult(int v, UUID id, String tenant, VmType vmType, JobStatus status, Integer exitCode, String stdout,
            boolean stdoutTruncated, String stderr, boolean stderrTruncated, String message, String workerId,
            int attempts, Timings timings, List<ArtifactInfo> artifacts, UUID batchId, List<Attempt> attemptHistory,
            boolean deadLettered) {
        this(v, id, tenant, vmType, status, exitCode, stdout, stdoutTruncated, stderr, stderrTruncated, message,
                workerId, attempts, timings, null, artifacts, batchId, attemptHistory, deadLettered);
    }

    /** The same result with its batch, its runs and whether it was dead-lettered, as the store knows them. */
    public JobResult with(UUID batch, List<Attempt> history, boolean deadLetter) {
        return new JobResult(v, id, tenant, vmType, status, exitCode, stdout, stdoutTruncated, stderr, stderrTruncated,
                message, workerId, attempts, timings, usage, artifacts, batch, history, deadLetter, sessionId, display);
    }

    /** The same result with what its run consumed. */
    public JobResult withUsage(ResourceUsage used) {
        return new JobResult(v, id, tenant, vmType, status, exitCode, stdout, stdoutTruncated, stderr, stderrTruncated,
                message, workerId, attempts, timings, used, artifacts, batchId, attemptHistory, deadLettered, sessionId,
                display);
    }

    /** The same result as the run of a session, with the display items the run produced. */
    public JobResult inSession(UUID session, List<DisplayItem> items) {
        return new JobResult(v, id, tenant, vmType, status, exitCode, stdout, stdoutTruncated, stderr, stderrTruncated,
                message, workerId, attempts, timings, usage, artifacts, batchId, attemptHistory, deadLettered, session,
                items);
    }

    public static final int VERSION = 1;

    /** A job just accepted: queued, nothing run yet. */
    public static JobResult queued(Job job) {
        return new JobResult(VERSION, job.id(), job.tenant(), job.vmType(), JobStatus.QUEUED, null, null, false, null,
                false, null, null, 0, Timings.of(job.submittedAt(), null, null), List.of(), job.batchId(), List.of(), false);
    }

    @Override
    public String toString() {
        String tail = stderr == null || stderr.isEmpty() ? ""
                : ", stderr=" + (stderr.length() > 300 ? stderr.substring(0, 300) + "…" : stderr);
        return "JobResult(id=" + id + ", status=" + status + ", exitCode=" + exitCode
                + (message == null ? "" : ", message=" + message) + tail + ")";
    }
}
