package dev.kiff.core.job;

import dev.kiff.core.gateway.ArtifactInfo;
import java.util.List;
import java.util.UUID;

/**
 * Where a job stands, and once it is terminal, how it ended: the value published on {@code kiff.results} (contract
 * version {@code v}) and answered by {@code GET /v1/jobs/{id}}.
 *
 * @param exitCode the user process's exit code; {@code null} when it never ran or was killed by the platform
 * @param message  a human-readable reason for every status but {@code SUCCEEDED}
 * @param attempts  how many times a worker started this job
 * @param artifacts the files the job left in {@code /out}, downloadable at {@code /v1/jobs/{id}/artifacts/{name}}
 * @param batchId   the batch the job belongs to, or null
 * @param attemptHistory every run of the job, oldest first, with why a run did not count
 * @param deadLettered   whether the job ran out of attempts and was put on {@code kiff.jobs.dlq}
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
        List<ArtifactInfo> artifacts,
        UUID batchId,
        List<Attempt> attemptHistory,
        boolean deadLettered) {

    public JobResult {
        artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
        attemptHistory = attemptHistory == null ? List.of() : List.copyOf(attemptHistory);
    }

    /** A result outside any batch, with no attempt history recorded. */
    public JobResult(int v, UUID id, String tenant, VmType vmType, JobStatus status, Integer exitCode, String stdout,
            boolean stdoutTruncated, String stderr, boolean stderrTruncated, String message, String workerId,
            int attempts, Timings timings, List<ArtifactInfo> artifacts) {
        this(v, id, tenant, vmType, status, exitCode, stdout, stdoutTruncated, stderr, stderrTruncated, message,
                workerId, attempts, timings, artifacts, null, List.of(), false);
    }

    /** The same result with its batch, its runs and whether it was dead-lettered, as the store knows them. */
    public JobResult with(UUID batch, List<Attempt> history, boolean deadLetter) {
        return new JobResult(v, id, tenant, vmType, status, exitCode, stdout, stdoutTruncated, stderr, stderrTruncated,
                message, workerId, attempts, timings, artifacts, batch, history, deadLetter);
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
