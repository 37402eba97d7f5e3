package dev.kiff.api.results;

import dev.kiff.core.submit.JobNotFoundException;
import dev.kiff.core.submit.JobSubmitter;
import dev.kiff.model.job.JobResult;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a job to end, for whoever answers with its result: {@code GET /v1/jobs/{id}?wait=}, a session's runs and
 * file operations, the MCP tools. It listens on {@link ResultWaiters} first and reads the stored job second, so a
 * result published between the two is not missed and one read suffices when the job has already ended. The published
 * result is the stored one (the worker stores, then publishes); only a wait that runs out reads the job again.
 */
public final class ResultAwait {

    private final ResultWaiters waiters;
    private final JobSubmitter jobs;

    public ResultAwait(ResultWaiters waiters, JobSubmitter jobs) {
        this.waiters = waiters;
        this.jobs = jobs;
    }

    /**
     * The tenant's job once it ended, or as it is when {@code atMost} ran out (zero: as it is now). The future never
     * holds a thread while it waits.
     *
     * @throws JobNotFoundException at once, when the tenant has no such job
     */
    public CompletableFuture<JobResult> ended(UUID id, String tenant, Duration atMost) {
        if (atMost.isZero() || atMost.isNegative()) {
            return CompletableFuture.completedFuture(jobs.find(id, tenant));
        }
        CompletableFuture<JobResult> published = waiters.await(id);
        JobResult now;
        try {
            now = jobs.find(id, tenant);
        } catch (RuntimeException e) {
            waiters.forget(id, published);
            throw e;
        }
        if (now.status().isTerminal()) {
            waiters.forget(id, published);
            return CompletableFuture.completedFuture(now);
        }
        return published.completeOnTimeout(null, atMost.toMillis(), TimeUnit.MILLISECONDS).thenApply(arrived -> {
            waiters.forget(id, published);
            return arrived != null ? arrived : jobs.find(id, tenant);
        });
    }

    /**
     * As {@link #ended}, on the caller's thread: for a caller that holds its request thread anyway (an MCP tool
     * call). Interrupted, it answers the job as it is.
     */
    public JobResult endedBlocking(UUID id, String tenant, Duration atMost) {
        CompletableFuture<JobResult> ended = ended(id, tenant, atMost);
        try {
            return ended.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return jobs.find(id, tenant);
        } catch (ExecutionException e) {
            throw unwrapped(e.getCause());
        }
    }

    private static RuntimeException unwrapped(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof RuntimeException runtime ? runtime
                : new IllegalStateException("waiting for a result failed", cause);
    }
}
