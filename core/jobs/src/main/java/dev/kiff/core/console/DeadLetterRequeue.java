package dev.kiff.core.console;

import java.time.Instant;
import java.util.UUID;

/**
 * Gives a dead-lettered job another set of attempts: an operator fixed what failed the platform (a broken image, a
 * full disk) and wants the job run after all. The move is {@code JobStatus.requeue()} (ERROR → QUEUED), for dead
 * letters only.
 */
public interface DeadLetterRequeue {

    /**
     * ERROR (dead-lettered) → QUEUED, conditional on the job still being dead-lettered and owned by {@code tenant}
     * ({@code null}: any tenant, the admin); the job gets its {@code retry.maxAttempts} again, is submitted anew at
     * {@code at} and waits in the backlog to be published by the dispatcher; a completed batch it belongs to is
     * open again. False when the job is not (or no longer) a dead letter of that tenant: another requeue got there
     * first, or it never was one.
     */
    boolean requeue(UUID id, String tenant, Instant at);
}
