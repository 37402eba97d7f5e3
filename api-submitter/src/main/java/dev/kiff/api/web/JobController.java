package dev.kiff.api.web;

import dev.kiff.api.ApiProperties;
import dev.kiff.api.events.JobEventStream;
import dev.kiff.api.results.ResultAwait;
import dev.kiff.core.gateway.Artifact;
import dev.kiff.core.gateway.ArtifactStore;
import dev.kiff.model.job.InvalidJobException;
import dev.kiff.model.job.JobRequest;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.Violation;
import dev.kiff.model.json.JobCodec;
import dev.kiff.model.output.LogChunk;
import dev.kiff.core.output.LogStore;
import dev.kiff.core.tenant.Tenant;
import dev.kiff.core.webhook.WebhookRepository;
import dev.kiff.core.submit.JobNotFoundException;
import dev.kiff.core.submit.JobCanceller;
import dev.kiff.core.submit.JobSubmitter;
import dev.kiff.core.submit.Submission;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.util.unit.DataSize;

/**
 * {@code /v1/jobs}: submit a job, read its state and result. Bodies are read and written with the contract's
 * {@link JobCodec}, so the API speaks exactly the JSON that travels on Kafka.
 */
@RestController
@RequestMapping("/v1/jobs")
public class JobController {

    private static final Pattern WAIT = Pattern.compile("(\\d{1,9})(ms|s|m)?");
    static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");

    private final JobSubmitter submitter;
    private final JobCodec codec;
    private final ApiProperties properties;
    private final ArtifactStore artifacts;
    private final ResultAwait results;
    private final JobCanceller canceller;
    private final JobEventStream events;
    private final LogStore logs;
    private final WebhookRepository webhooks;

    public JobController(JobSubmitter submitter, JobCodec codec, ApiProperties properties, ArtifactStore artifacts,
            ResultAwait results, JobCanceller canceller, JobEventStream events, LogStore logs,
            WebhookRepository webhooks) {
        this.events = events;
        this.logs = logs;
        this.webhooks = webhooks;
        this.results = results;
        this.canceller = canceller;
        this.submitter = submitter;
        this.codec = codec;
        this.properties = properties;
        this.artifacts = artifacts;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<byte[]> submit(Tenant tenant, InputStream body,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) throws IOException {
        if (idempotencyKey != null && !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
            throw InvalidJobException.of("Idempotency-Key", "must be 1 to 255 printable ASCII characters");
        }
        JobRequest request = codec.readRequest(readCapped(body, properties.maxBodySize()));
        Submission submission = submitter.submit(request, tenant, idempotencyKey);
        JobResult job = submission.job();
        String self = "/v1/jobs/" + job.id();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", job.id());
        answer.put("status", job.status());
        answer.put("replayed", submission.replayed());
        answer.put("links", Map.of("self", self, "events", self + "/events", "logs", self + "/logs"));
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .location(URI.create(self))
                .header("Idempotent-Replayed", String.valueOf(submission.replayed()))
                .contentType(MediaType.APPLICATION_JSON)
                .body(codec.write(answer));
    }

    /**
     * The job's state and, once it ended, its result. With {@code ?wait=30s} (or {@code 500ms}, {@code 2m}, plain
     * seconds) the answer comes as soon as the job ends, or with its current state when the wait runs out; an
     * answer for a job that has not ended carries a {@code Retry-After} hint.
     */
    @GetMapping("/{id}")
    public CompletableFuture<ResponseEntity<byte[]>> get(Tenant tenant, @PathVariable("id") String id,
            @RequestParam(name = "wait", required = false) String wait) {
        UUID jobId = jobId(id);
        return results.ended(jobId, tenant.id(), parseWait(wait)).thenApply(this::answer);
    }

    /**
     * Cancels the job: a queued job is never started, a running one is killed within a second wherever it runs.
     * Answers the CANCELLED job (again, when it was cancelled before); 409 when it already ended otherwise.
     */
    @DeleteMapping("/{id}")
    public ResponseEntity<byte[]> cancel(Tenant tenant, @PathVariable("id") String id) {
        return answer(canceller.cancel(jobId(id), tenant.id()));
    }

    private ResponseEntity<byte[]> answer(JobResult job) {
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON);
        if (!job.status().isTerminal()) {
            ok.header("Retry-After", String.valueOf(Math.max(1, properties.pollAfter().toSeconds())));
        }
        return ok.body(codec.write(job));
    }

    private Duration parseWait(String wait) {
        return parseWait(wait, properties.maxWait());
    }

    /** A {@code ?wait=} value: {@code 30s}, {@code 500ms}, {@code 2m} or plain seconds, at most {@code max}. */
    static Duration parseWait(String wait, Duration max) {
        if (wait == null || wait.isBlank()) {
            return Duration.ZERO;
        }
        Duration duration;
        try {
            Matcher m = WAIT.matcher(wait.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException();
            }
            long amount = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            duration = switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofSeconds(amount);
            };
        } catch (IllegalArgumentException e) {
            throw InvalidJobException.of("wait", "'" + wait + "' is not a duration like 30s, 500ms or 2m");
        }
        if (duration.compareTo(max) > 0) {
            throw InvalidJobException.of("wait", "at most " + max.toSeconds() + "s");
        }
        return duration;
    }

    /** The names and sizes of the files the job left in {@code /out}. */
    @GetMapping("/{id}/artifacts")
    public ResponseEntity<byte[]> artifacts(Tenant tenant, @PathVariable("id") String id) {
        JobResult job = submitter.find(jobId(id), tenant.id());
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .body(codec.write(Map.of("artifacts", job.artifacts())));
    }

    /** One artifact's content, as the job wrote it. */
    @GetMapping("/{id}/artifacts/{*name}")
    public ResponseEntity<byte[]> artifact(Tenant tenant, @PathVariable("id") String id,
            @PathVariable("name") String name) {
        UUID jobId = jobId(id);
        submitter.find(jobId, tenant.id());
        String relative = name.startsWith("/") ? name.substring(1) : name;
        Artifact artifact = artifacts.find(jobId, relative)
                .orElseThrow(() -> new JobNotFoundException(jobId, "no artifact '" + relative + "'"));
        String file = relative.substring(relative.lastIndexOf('/') + 1);
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .header("Content-Disposition", "attachment; filename=\"" + file.replace("\"", "") + "\"")
                .body(artifact.content());
    }

    /**
     * The job's status changes, output and result as Server-Sent Events; reconnect with {@code Last-Event-ID} (or
     * {@code ?lastEventId=}) to resume right after the last event seen.
     */
    @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter events(Tenant tenant, @PathVariable("id") String id,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
            @RequestParam(name = "lastEventId", required = false) String lastEventIdParam) {
        return events.open(jobId(id), tenant.id(), lastEventId != null ? lastEventId : lastEventIdParam);
    }

    /** The job's kept output, chunk by chunk, every run; {@code ?stream=stdout} or {@code stderr} filters. */
    @GetMapping("/{id}/logs")
    public ResponseEntity<byte[]> logs(Tenant tenant, @PathVariable("id") String id,
            @RequestParam(name = "stream", required = false) String stream) {
        UUID jobId = jobId(id);
        if (stream != null && !stream.equals(LogChunk.STDOUT) && !stream.equals(LogChunk.STDERR)) {
            throw InvalidJobException.of("stream", "must be stdout or stderr");
        }
        submitter.find(jobId, tenant.id());
        List<Map<String, Object>> chunks = logs.read(jobId, 0, -1).stream()
                .filter(c -> stream == null ? !c.stream().equals(LogChunk.START) : c.stream().equals(stream))
                .map(c -> {
                    Map<String, Object> chunk = new LinkedHashMap<>();
                    chunk.put("attempt", c.attempt());
                    chunk.put("seq", c.seq());
                    chunk.put("stream", c.stream());
                    chunk.put("data", c.data());
                    chunk.put("at", c.at());
                    return chunk;
                })
                .toList();
        boolean truncated = chunks.stream().anyMatch(c -> LogChunk.NOTICE.equals(c.get("stream")));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("jobId", jobId);
        answer.put("truncated", truncated);
        answer.put("chunks", chunks);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(codec.write(answer));
    }

    /** The job's webhook deliveries, with every try. */
    @GetMapping("/{id}/webhooks")
    public ResponseEntity<byte[]> webhooks(Tenant tenant, @PathVariable("id") String id) {
        UUID jobId = jobId(id);
        submitter.find(jobId, tenant.id());
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .body(codec.write(Map.of("items", WebhookViews.of(webhooks.forJob(jobId)))));
    }

    static UUID jobId(String id) {
        return PathIds.parse(id, "job");
    }

    /** Reads the body, refusing it once it passes the cap rather than buffering whatever a client sends. */
    static byte[] readCapped(InputStream body, DataSize limit) throws IOException {
        long cap = limit.toBytes();
        byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, cap + 1));
        if (bytes.length > cap) {
            throw new InvalidJobException(List.of(Violation.tooLarge("$",
                    "request body exceeds the cap of " + cap + " bytes")));
        }
        return bytes;
    }
}
