package dev.kiff.api.web;

import dev.kiff.model.json.JobCodec;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.port.StoredResult;
import dev.kiff.core.tenant.Tenant;
import dev.kiff.core.tenant.TenantDirectory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import dev.kiff.api.events.TenantEventStream;

/** What belongs to the caller's tenant as a whole: its settings, its live stream of results, its dead letters. */
@RestController
public class TenantController {

    private static final int MAX_PAGE = 500;

    private final TenantDirectory tenants;
    private final JobRepository jobs;
    private final TenantEventStream events;
    private final JobCodec codec;

    public TenantController(TenantDirectory tenants, JobRepository jobs, TenantEventStream events, JobCodec codec) {
        this.tenants = tenants;
        this.jobs = jobs;
        this.events = events;
        this.codec = codec;
    }

    /** The tenant, its quotas and usage, and the secret its webhooks are signed with. */
    @GetMapping("/v1/tenant")
    public ResponseEntity<byte[]> tenant(Tenant tenant) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", tenant.id());
        answer.put("name", tenant.id());
        answer.put("quotas", tenant.quotas());
        answer.put("webhookSecret", tenant.webhookSecret());
        answer.put("usage", Map.of("activeJobs", tenants.unfinishedJobs(tenant.id())));
        answer.put("createdAt", tenant.createdAt());
        return json(answer);
    }

    /** The tenant's results as they are stored, and batch completions, as Server-Sent Events. */
    @GetMapping(path = "/v1/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter events(Tenant tenant,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
            @RequestParam(name = "lastEventId", required = false) String lastEventIdParam) {
        return events.open(tenant.id(), lastEventId != null ? lastEventId : lastEventIdParam);
    }

    /** The tenant's jobs that ran out of attempts, oldest first, with every attempt and its reason. */
    @GetMapping("/v1/dlq")
    public ResponseEntity<byte[]> deadLetters(Tenant tenant,
            @RequestParam(name = "limit", required = false) Integer limit,
            @RequestParam(name = "cursor", required = false) String cursor) {
        int size = Cursors.limit(limit, MAX_PAGE);
        List<StoredResult> page = jobs.deadLettered(tenant.id(), Cursors.decode("dlq", cursor, 0), size);
        List<Map<String, Object>> items = page.stream().map(stored -> {
            var result = stored.result();
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("jobId", result.id());
            item.put("vmType", result.vmType());
            item.put("batchId", result.batchId());
            item.put("deadLetteredAt", result.timings().finishedAt());
            item.put("reason", result.message());
            item.put("attempts", result.attemptHistory());
            return item;
        }).toList();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("items", items);
        answer.put("nextCursor", page.size() < size ? null : Cursors.encode("dlq", page.get(page.size() - 1).seq()));
        return json(answer);
    }

    private ResponseEntity<byte[]> json(Object body) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(codec.write(body));
    }
}
