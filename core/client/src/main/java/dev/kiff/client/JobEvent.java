package dev.kiff.client;

import dev.kiff.model.job.JobResult;
import dev.kiff.model.output.LogChunk;

/** What {@link KiffClient#stream} hands its listener, in the order the job produced it. */
public sealed interface JobEvent {

    /** The job was queued or started; {@code attempt} counts its runs from 1. */
    record Status(String status, int attempt) implements JobEvent {
    }

    /** A piece of the job's live output. */
    record Output(LogChunk chunk) implements JobEvent {
    }

    /** The job ended; always the last event of a stream. */
    record Result(JobResult result) implements JobEvent {
    }
}
