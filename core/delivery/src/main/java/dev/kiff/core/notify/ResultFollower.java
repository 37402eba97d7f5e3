package dev.kiff.core.notify;

import dev.kiff.model.batch.Batch;
import dev.kiff.model.batch.BatchProgress;
import dev.kiff.core.batch.BatchRepository;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.port.JobRecord;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.webhook.WebhookDelivery;
import dev.kiff.core.webhook.WebhookRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a job's end is followed up, off the worker: its webhook is queued, and when it was its batch's last
 * unfinished job, the batch's completion is announced and the batch's webhook queued. Fed every result (at least
 * once); a result seen again queues nothing twice (one delivery per job and per batch) and may announce a batch
 * again, never lose it: the announcement comes before the batch is marked completed.
 */
public final class ResultFollower {

    private static final Logger log = LoggerFactory.getLogger(ResultFollower.class);

    private final JobRepository jobs;
    private final BatchRepository batches;
    private final WebhookRepository webhooks;
    private final BatchEventPublisher batchEvents;
    private final JobCodec codec;
    private final Clock clock;

    public ResultFollower(JobRepository jobs, BatchRepository batches, WebhookRepository webhooks,
            BatchEventPublisher batchEvents, JobCodec codec, Clock clock) {
        this.jobs = jobs;
        this.batches = batches;
        this.webhooks = webhooks;
        this.batchEvents = batchEvents;
        this.codec = codec;
        this.clock = clock;
    }

    /** Follows up one published result. Throws only when the follow-up should be tried again. */
    public void follow(JobResult published) {
        if (!published.status().isTerminal() || published.status() == JobStatus.REJECTED) {
            return;
        }
        Optional<JobRecord> record = jobs.find(published.id());
        if (record.isEmpty()) {
            log.warn("Job(id={}) has a published result but no record; nothing to follow up", published.id());
            return;
        }
        JobResult stored = record.get().state();
        String callback = record.get().job().callbackUrl();
        if (callback != null) {
            queue(WebhookDelivery.JOB_COMPLETED, stored.tenant(), stored.id(), stored.batchId(), callback, stored);
        }
        if (stored.batchId() != null) {
            followBatch(stored.batchId());
        }
    }

    private void followBatch(UUID batchId) {
        Optional<Batch> found = batches.find(batchId);
        if (found.isEmpty() || found.get().completedAt() != null) {
            return;
        }
        Map<JobStatus, Integer> counts = batches.counts(batchId);
        if (counts.getOrDefault(JobStatus.QUEUED, 0) + counts.getOrDefault(JobStatus.RUNNING, 0) > 0) {
            return;
        }
        Instant now = clock.instant();
        Batch batch = found.get();
        BatchProgress progress = BatchProgress.of(new Batch(batch.id(), batch.tenant(), batch.size(),
                batch.callbackUrl(), batch.createdAt(), now, batch.cancelledAt()), counts);
        if (batch.callbackUrl() != null) {
            queue(WebhookDelivery.BATCH_COMPLETED, batch.tenant(), null, batchId, batch.callbackUrl(), progress);
        }
        batchEvents.completed(progress);
        if (batches.markCompleted(batchId, now)) {
            log.info("Batch(id={}) completed: {} jobs, {}", batchId, batch.size(), counts);
        }
    }

    private void queue(String event, String tenant, UUID jobId, UUID batchId, String url, Object data) {
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("type", event);
        body.put("createdAt", now);
        body.put("data", data);
        // A job's delivery carries no batch id: the batch's own delivery is the one per batch.
        WebhookDelivery delivery = new WebhookDelivery(id, tenant, event, jobId, jobId == null ? batchId : null, url,
                codec.write(body), WebhookDelivery.PENDING, now, now, null, List.of());
        if (webhooks.enqueue(delivery)) {
            log.debug("{} queued for {}", delivery, jobId != null ? "Job(id=" + jobId + ")" : "Batch(id=" + batchId + ")");
        }
    }
}
