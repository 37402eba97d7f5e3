package dev.kiff.core.batch;

import dev.kiff.model.batch.Batch;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The system of record for batches; their jobs live with all jobs, each marked with its batch and place. */
public interface BatchRepository {

    /**
     * Stores the batch and all its jobs (QUEUED, in order) in one transaction: all or none. The jobs are held, not
     * yet published, as {@link dev.kiff.core.dispatch.JobBacklog#insertHeld} stores them.
     */
    void insert(Batch batch, List<Job> jobs);

    Optional<Batch> find(UUID id);

    /** How many of the batch's jobs are in each status. */
    Map<JobStatus, Integer> counts(UUID id);

    /**
     * Up to {@code limit} of the batch's jobs after place {@code afterIndex} (-1 for the start), in order,
     * only those in {@code status} when it is not null.
     */
    List<BatchMember> members(UUID id, JobStatus status, int afterIndex, int limit);

    /**
     * Marks the batch completed when none of its jobs is unfinished and it was not marked before. True for exactly
     * one caller per batch, so its completion is announced once.
     */
    boolean markCompleted(UUID id, Instant at);

    /** Moves every QUEUED job of the batch to CANCELLED; answers the ids moved. Marks the batch cancelled. */
    List<UUID> cancelQueued(UUID id, String reason, Instant at);

    /** The ids of the batch's RUNNING jobs. */
    List<UUID> running(UUID id);

    /** Moves every QUEUED job of the batch to REJECTED: the broker did not take the batch. */
    void reject(UUID id, String reason, Instant at);
}
