package dev.kiff.api.results;

import dev.kiff.model.job.JobResult;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests waiting for a job to end ({@code GET /v1/jobs/{id}?wait=…}). Each API instance hears every result on
 * {@code kiff.results} and hands it to the requests waiting for that job here: a waiting client needs no polling,
 * and its answer is the published result itself, without another read of the database.
 */
public final class ResultWaiters {

    private final Map<UUID, Set<CompletableFuture<JobResult>>> waiting = new ConcurrentHashMap<>();

    /** A future completed with the job's result when it arrives; {@link #forget} it once answered. */
    public CompletableFuture<JobResult> await(UUID jobId) {
        CompletableFuture<JobResult> signal = new CompletableFuture<>();
        waiting.computeIfAbsent(jobId, id -> ConcurrentHashMap.newKeySet()).add(signal);
        return signal;
    }

    public void forget(UUID jobId, CompletableFuture<JobResult> signal) {
        waiting.computeIfPresent(jobId, (id, signals) -> {
            signals.remove(signal);
            return signals.isEmpty() ? null : signals;
        });
    }

    /** A job's result was published. */
    public void resultArrived(JobResult result) {
        Set<CompletableFuture<JobResult>> signals = waiting.remove(result.id());
        if (signals != null) {
            signals.forEach(signal -> signal.complete(result));
        }
    }

    public int waiting() {
        return waiting.values().stream().mapToInt(Set::size).sum();
    }
}
