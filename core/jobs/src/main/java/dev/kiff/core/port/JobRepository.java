package dev.kiff.core.port;

import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * The system of record for jobs. Every state change is conditional on the state it starts from, as the transition
 * table of {@link dev.kiff.model.job.JobStatus} says; a {@code false} answer means another actor got there first, which
 * is normal under concurrency, not an error.
 */
public interface JobRepository {

    /** Stores a just-accepted job as QUEUED. False when a job with this id exists already. */
    boolean insertQueued(Job job, String requestHash);

    Optional<JobRecord> find(UUID id);

    /**
     * QUEUED → RUNNING on {@code workerId}, counting one more attempt and recording it, unless the job used up its
     * attempts ({@link dev.kiff.model.job.RetryPolicy#maxAttempts()}).
     *
     * @return the number of this attempt (1 for the first), or empty when the job was not QUEUED or has no attempt
     *         left
     */
    OptionalInt markRunning(UUID id, String workerId, Instant startedAt);

    /**
     * RUNNING → QUEUED: the job's current run will not finish (the platform gave it up, or it failed and the job
     * asked for a retry). The run is recorded as ended in {@code runStatus} for {@code reason}.
     */
    boolean requeue(UUID id, JobStatus runStatus, String reason, Instant at);

    /**
     * RUNNING → QUEUED only when the job's lease ran out: its heartbeat is older than {@code heartbeatBefore}. False
     * while its worker still renews the lease: the job is running there and must not be run twice. The abandoned run
     * is recorded with {@code reason}.
     */
    boolean requeueAbandoned(UUID id, Instant heartbeatBefore, String reason, Instant at);

    /**
     * QUEUED → ERROR, marked dead-lettered: the job used up its attempts on platform failures. False when it was not
     * QUEUED.
     */
    boolean deadLetter(UUID id, String reason, Instant at);

    /** The tenant's dead-lettered jobs stored after {@code afterSeq} (0 for all), oldest first. */
    List<StoredResult> deadLettered(String tenant, long afterSeq, int limit);

    /** The tenant's terminal results stored after {@code afterSeq} (0 for all), in the order they were stored. */
    List<StoredResult> resultsAfter(String tenant, long afterSeq, int limit);

    /** The place of the tenant's latest stored result (0 when none): where a new result stream starts. */
    long latestResultSeq(String tenant);

    /** Renews the lease of the jobs {@code workerId} is running. Returns how many it still holds. */
    int heartbeat(String workerId, Collection<UUID> ids, Instant at);

    /** RUNNING → the result's terminal status, only if {@code result.workerId()} still holds the job. */
    boolean complete(JobResult result);

    /** QUEUED → REJECTED: never accepted (the broker did not take it). */
    boolean reject(UUID id, String reason, Instant at);

    /** REJECTED → QUEUED: a job the broker refused is submitted again; it counts as submitted at {@code at}. */
    boolean resubmit(UUID id, Instant at);

    /**
     * {@code from} (QUEUED or RUNNING) → CANCELLED, with {@code reason} as its message. False when the job was not
     * in {@code from}.
     */
    boolean cancel(UUID id, JobStatus from, String reason, Instant at);

    /** QUEUED → ERROR: the platform gave up before a run could finish. */
    boolean fail(UUID id, String reason, Instant at);
}
