package dev.kiff.api.web;

import dev.kiff.api.ApiProperties;
import dev.kiff.model.batch.Batch;
import dev.kiff.core.batch.BatchCanceller;
import dev.kiff.core.batch.BatchMember;
import dev.kiff.model.batch.BatchRequest;
import dev.kiff.core.batch.BatchSubmitter;
import dev.kiff.model.job.InvalidJobException;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.tenant.Tenant;
import dev.kiff.core.webhook.WebhookRepository;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/batches}: submit up to 10,000 jobs at once, follow their progress, page through their results. */
@RestController
@RequestMapping("/v1/batches")
public class BatchController {

    private static final int MAX_PAGE = 1000;

    private final BatchSubmitter submitter;
    private final BatchCanceller canceller;
    private final WebhookRepository webhooks;
    private final JobCodec codec;
    private final ApiProperties properties;

    public BatchController(BatchSubmitter submitter, BatchCanceller canceller, WebhookRepository webhooks,
            JobCodec codec, ApiProperties properties) {
        this.submitter = submitter;
        this.canceller = canceller;
        this.webhooks = webhooks;
        this.codec = codec;
        this.properties = properties;
    }

    /** All jobs accepted in one transaction, or none (a 400 names every field wrong, by place). */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<byte[]> submit(Tenant tenant, InputStream body) throws IOException {
        // Up to 64 MB of body to read and parse: refused first if the tenant has no room for a single job.
        submitter.checkHeadroom(tenant);
        BatchRequest request = codec.readBatchRequest(JobController.readCapped(body, properties.maxBatchBodySize()));
        Batch batch = submitter.submit(request, tenant);
        String self = "/v1/batches/" + batch.id();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", batch.id());
        answer.put("size", batch.size());
        answer.put("status", "RUNNING");
        answer.put("links", Map.of("self", self, "jobs", self + "/jobs", "webhooks", self + "/webhooks"));
        return ResponseEntity.status(HttpStatus.ACCEPTED).location(URI.create(self))
                .contentType(MediaType.APPLICATION_JSON).body(codec.write(answer));
    }

    @GetMapping("/{id}")
    public ResponseEntity<byte[]> get(Tenant tenant, @PathVariable("id") String id) {
        return json(submitter.progress(batchId(id), tenant.id()));
    }

    /** The batch's jobs in submission order, {@code limit} at a time, optionally only those in {@code status}. */
    @GetMapping("/{id}/jobs")
    public ResponseEntity<byte[]> jobs(Tenant tenant, @PathVariable("id") String id,
            @RequestParam(name = "status", required = false) String status,
            @RequestParam(name = "limit", required = false) Integer limit,
            @RequestParam(name = "cursor", required = false) String cursor) {
        int size = Cursors.limit(limit, MAX_PAGE);
        int after = (int) Cursors.decode("batch", cursor, -1);
        List<BatchMember> page = submitter.members(batchId(id), tenant.id(), status(status), after, size);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("items", page.stream().map(BatchMember::result).toList());
        answer.put("nextCursor", page.size() < size ? null
                : Cursors.encode("batch", page.get(page.size() - 1).index()));
        return json(answer);
    }

    /** Cancels the batch: queued jobs never start, running ones are killed; ended ones keep their results. */
    @DeleteMapping("/{id}")
    public ResponseEntity<byte[]> cancel(Tenant tenant, @PathVariable("id") String id) {
        return json(canceller.cancel(batchId(id), tenant.id()));
    }

    @GetMapping("/{id}/webhooks")
    public ResponseEntity<byte[]> webhooks(Tenant tenant, @PathVariable("id") String id) {
        UUID batchId = batchId(id);
        submitter.find(batchId, tenant.id());
        return json(Map.of("items", WebhookViews.of(webhooks.forBatch(batchId))));
    }

    private ResponseEntity<byte[]> json(Object body) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(codec.write(body));
    }

    private static JobStatus status(String status) {
        if (status == null) {
            return null;
        }
        try {
            return JobStatus.valueOf(status.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw InvalidJobException.of("status", "must be one of " + Arrays.toString(JobStatus.values()));
        }
    }

    private static UUID batchId(String id) {
        return PathIds.parse(id, "batch");
    }
}
