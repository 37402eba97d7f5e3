package dev.kiff.core.batch;

import dev.kiff.model.job.JobResult;

/** A job of a batch and its place in it (0 for the first submitted), the cursor of a page of results. */
public record BatchMember(int index, JobResult result) {
}
