package dev.kiff.core.retention;

import java.time.Instant;

/**
 * Where the records that grow with use are deleted once old enough. Each call deletes at most {@code limit} rows in
 * one short statement (or transaction), skipping rows another purger holds, so purges of several instances run side
 * by side without waiting on each other or holding locks for long; the caller calls again while whole batches come
 * back.
 */
public interface PurgeableRecords {

    /**
     * Deletes up to {@code limit} jobs that ended (any terminal status) before {@code finishedBefore}, with what is
     * theirs alone: attempts, log chunks, artifacts. Queued and running jobs are never touched.
     *
     * @return the jobs deleted
     */
    int purgeFinishedJobs(Instant finishedBefore, int limit);

    /** Deletes up to {@code limit} log chunks written before {@code before}; returns how many. */
    int purgeLogs(Instant before, int limit);

    /** Deletes up to {@code limit} artifacts stored before {@code before}; returns how many. */
    int purgeArtifacts(Instant before, int limit);

    /** Deletes up to {@code limit} gateway audit rows ({@code gateway_calls}) of calls before {@code before}. */
    int purgeAuditRows(Instant before, int limit);

    /**
     * Deletes up to {@code limit} webhook deliveries that are done (delivered or given up) and were queued before
     * {@code before}, with their recorded tries. Pending ones are kept whatever their age.
     */
    int purgeWebhookDeliveries(Instant before, int limit);

    /**
     * Deletes up to {@code limit} sessions that ended (EXPIRED, DELETED or LOST) before {@code endedBefore}, with
     * their transitions. Open sessions are never touched; the sessions' runs are jobs, purged as jobs.
     *
     * @return the sessions deleted
     */
    int purgeEndedSessions(Instant endedBefore, int limit);
}
