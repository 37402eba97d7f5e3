package dev.kiff.model.batch;

import dev.kiff.model.job.JobStatus;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;

/**
 * Where a batch stands: answered by {@code GET /v1/batches/{id}}, sent with the batch-complete event and webhook.
 *
 * @param status   {@code RUNNING} until every job ended, then {@code COMPLETED}
 * @param counts   jobs per status, every status present
 * @param ended    jobs in a terminal status
 * @param progress {@code ended / size}, 0 to 1
 */
public record BatchProgress(UUID id, String tenant, int size, String status, Map<JobStatus, Integer> counts,
        int ended, double progress, Instant createdAt, Instant completedAt, Instant cancelledAt, String callbackUrl) {

    public static final String RUNNING = "RUNNING";
    public static final String COMPLETED = "COMPLETED";

    public static BatchProgress of(Batch batch, Map<JobStatus, Integer> counts) {
        Map<JobStatus, Integer> all = new EnumMap<>(JobStatus.class);
        for (JobStatus status : JobStatus.values()) {
            all.put(status, counts.getOrDefault(status, 0));
        }
        int ended = all.entrySet().stream().filter(e -> e.getKey().isTerminal()).mapToInt(Map.Entry::getValue).sum();
        return new BatchProgress(batch.id(), batch.tenant(), batch.size(),
                batch.completedAt() != null ? COMPLETED : RUNNING, all, ended,
                batch.size() == 0 ? 1.0 : (double) ended / batch.size(), batch.createdAt(), batch.completedAt(),
                batch.cancelledAt(), batch.callbackUrl());
    }
}
