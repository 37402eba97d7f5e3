package dev.kiff.api.results;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests waiting for a job to end ({@code GET /v1/jobs/{id}?wait=…}). Each API instance hears every result on
 * {@code kiff.results} and wakes the requests waiting for that job here, so a waiting client needs no polling and
 * the database is read once more per answer, not once per tick.
 */
public final class ResultWaiters {

    private final Map<UUID, Set<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();

    /** A future completed when a result for {@code jobId} arrives; {@link #forget} it once answered. */
    public CompletableFuture<Void> await(UUID jobId) {
        CompletableFuture<Void> signal = new CompletableFuture<>();
        waiting.computeIfAbsent(jobId, id -> ConcurrentHashMap.newKeySet()).add(signal);
        return signal;
    }

    public void forget(UUID jobId, CompletableFuture<Void> signal) {
        waiting.computeIfPresent(jobId, (id, signals) -> {
            signals.remove(signal);
            return signals.isEmpty() ? null : signals;
        });
    }

    /** A result for {@code jobId} was published. */
    public void resultArrived(UUID jobId) {
        Set<CompletableFuture<Void>> signals = waiting.remove(jobId);
        if (signals != null) {
            signals.forEach(signal -> signal.complete(null));
        }
    }

    public int waiting() {
        return waiting.values().stream().mapToInt(Set::size).sum();
    }
}
