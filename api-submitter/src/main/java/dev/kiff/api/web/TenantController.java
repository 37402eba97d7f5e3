package dev.kiff.api.web;

import dev.kiff.api.ApiProperties;
import dev.kiff.api.auth.AdminKey;
import dev.kiff.api.auth.ApiKeyAuthenticator;
import dev.kiff.core.console.DeadLetterRequeuer;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.port.StoredResult;
import dev.kiff.core.tenant.Tenant;
import dev.kiff.core.tenant.TenantDirectory;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import dev.kiff.api.events.TenantEventStream;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What belongs to the caller's tenant as a whole: its settings, its live stream of results, its dead letters and
 * their requeue.
 */
@RestController
public class TenantController {

    private static final int MAX_PAGE = 500;
    /** Adds the links to the job's view as the codec writes it; reads and writes plain JSON only. */
    private static final JsonMapper VIEW = JsonMapper.builder().build();

    private final TenantDirectory tenants;
    private final JobRepository jobs;
    private final TenantEventStream events;
    private final JobCodec codec;
    private final DeadLetterRequeuer requeuer;
    private final ApiKeyAuthenticator authenticator;
    private final AdminKey adminKey;

    public TenantController(TenantDirectory tenants, JobRepository jobs, TenantEventStream events, JobCodec codec,
            DeadLetterRequeuer requeuer, ApiKeyAuthenticator authenticator, ApiProperties properties) {
        this.tenants = tenants;
        this.jobs = jobs;
        this.events = events;
        this.codec = codec;
        this.requeuer = requeuer;
        this.authenticator = authenticator;
        this.adminKey = new AdminKey(properties.adminKey());
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

    /**
     * Requeues a dead letter: it gets its attempts again and is queued as a new life of the job, with a result of its
     * own when it ends. A tenant's key requeues the tenant's dead letters (another tenant's job is not found), within
     * its quotas as a submission (429 at its limit); the admin key any tenant's, outside quotas. 202 with the job as
     * {@code GET /v1/jobs/{id}} shows it, plus its links; 404 no such job; 409 ({@code not-a-dead-letter}) when it is
     * not a dead letter (any more: of two requeues at once, one wins) or is a session's run.
     */
    @PostMapping("/v1/dlq/{id}/requeue")
    public ResponseEntity<byte[]> requeue(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            @PathVariable("id") String id) {
        // The admin first: its key is no tenant's, and the tenant's check would refuse it.
        boolean admin = adminKey.matches(authorization);
        Tenant tenant = admin ? null : authenticator.authenticate(authorization);
        UUID jobId = JobController.jobId(id);
        JobResult job = admin ? requeuer.requeueAnyTenants(jobId) : requeuer.requeue(jobId, tenant);
        String self = "/v1/jobs/" + job.id();
        ObjectNode view = (ObjectNode) VIEW.readTree(codec.write(job));
        ObjectNode links = view.putObject("links");
        links.put("self", self);
        links.put("events", self + "/events");
        links.put("logs", self + "/logs");
        return ResponseEntity.status(HttpStatus.ACCEPTED).location(URI.create(self))
                .contentType(MediaType.APPLICATION_JSON).body(VIEW.writeValueAsBytes(view));
    }

    private ResponseEntity<byte[]> json(Object body) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(codec.write(body));
    }
}
