package dev.kiff.core.exec;

import dev.kiff.model.job.JobStatus;

/** How a run ended, in the job's terms: a terminal status and, for all but success, why. */
public record Verdict(JobStatus status, String message) {
}
