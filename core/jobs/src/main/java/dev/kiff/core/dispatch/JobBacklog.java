package dev.kiff.core.dispatch;

import dev.kiff.model.job.Job;
import dev.kiff.model.job.VmType;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Accepted jobs held until they may be published: the API stores every job here first (QUEUED, not yet on the
 * queue), and a job leaves the backlog once it is published. A tenant's <em>window</em> of one VM type is its jobs
 * published (or being published) and not yet ended; a job is only claimed for publishing while its tenant's window
 * holds fewer than the given size. Every claim is conditional and serialised per tenant and VM type, so several API
 * instances never together pass a window or publish one job twice on purpose.
 *
 * <p>A claim lasts until a given instant: a publisher that dies before it marks the job {@link #published} leaves
 * the job to be claimed again once its claim has run out. This makes the backlog a transactional outbox too.
 */
public interface JobBacklog {

    /**
     * Stores a just-accepted job as QUEUED and not yet published, and in the same statement claims it for its
     * submitter when its tenant's window of {@code window} jobs has room. That count is taken without the claim
     * lock, to keep a single submission at one round trip: concurrent submissions of one tenant may pass its window
     * by as many as they are (a few, at the tenant's submission rate); claims of {@link #claim} and
     * {@link #claimOldest} never do.
     */
    Stored insertHeld(Job job, String requestHash, int window, Instant now, Instant claimUntil);

    /** What {@link #insertHeld} did. */
    enum Stored {
        /** A job with this id exists already; nothing was stored. */
        EXISTS,
        /** Stored and held: the tenant's window is full. */
        HELD,
        /** Stored and claimed for the submitter, who publishes it now. */
        CLAIMED
    }

    /**
     * Claims, of {@code ids} (one tenant's jobs of one VM type, in the order given), those still held and unclaimed
     * that fit the tenant's window of {@code window} jobs.
     *
     * @return the ids claimed, in the order given; the caller publishes them, then marks them {@link #published}
     */
    List<UUID> claim(String tenant, VmType vmType, List<UUID> ids, int window, Instant now, Instant claimUntil);

    /**
     * Claims up to {@code max} of the tenant's held jobs of that VM type that no live claim holds, oldest first, as
     * many as fit its window of {@code window} jobs.
     *
     * @return the jobs claimed, oldest first
     */
    List<Job> claimOldest(String tenant, VmType vmType, int max, int window, Instant now, Instant claimUntil);

    /** The tenants and VM types with jobs that may be claimed now, each with the size of its open window. */
    List<Waiting> waiting(Instant now, int window);

    /** Marks the jobs published at {@code at}: they leave the backlog and count in their tenant's window. */
    void published(Collection<UUID> ids, Instant at);

    /**
     * A tenant's held jobs of one VM type.
     *
     * @param waiting  how many may be claimed now
     * @param inFlight how many are published (or being published) and not yet ended, counted up to the window
     */
    record Waiting(String tenant, VmType vmType, int waiting, int inFlight) {
    }
}
