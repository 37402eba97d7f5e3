package dev.kiff.api.web;

import dev.kiff.api.ApiProperties;
import dev.kiff.core.gateway.Artifact;
import dev.kiff.core.gateway.ArtifactStore;
import dev.kiff.core.job.InvalidJobException;
import dev.kiff.core.job.Job;
import dev.kiff.core.job.JobRequest;
import dev.kiff.core.job.JobResult;
import dev.kiff.core.job.Violation;
import dev.kiff.core.json.JobCodec;
import dev.kiff.core.submit.JobNotFoundException;
import dev.kiff.core.submit.JobSubmitter;
import dev.kiff.core.submit.Submission;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /v1/jobs}: submit a job, read its state and result. Bodies are read and written with the contract's
 * {@link JobCodec}, so the API speaks exactly the JSON that travels on Kafka.
 */
@RestController
@RequestMapping("/v1/jobs")
public class JobController {

    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");

    private final JobSubmitter submitter;
    private final JobCodec codec;
    private final ApiProperties properties;
    private final ArtifactStore artifacts;

    public JobController(JobSubmitter submitter, JobCodec codec, ApiProperties properties, ArtifactStore artifacts) {
        this.submitter = submitter;
        this.codec = codec;
        this.properties = properties;
        this.artifacts = artifacts;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<byte[]> submit(InputStream body,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) throws IOException {
        if (idempotencyKey != null && !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
            throw InvalidJobException.of("Idempotency-Key", "must be 1 to 255 printable ASCII characters");
        }
        JobRequest request = codec.readRequest(readCapped(body));
        Submission submission = submitter.submit(request, Job.DEFAULT_TENANT, idempotencyKey);
        JobResult job = submission.job();
        String self = "/v1/jobs/" + job.id();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", job.id());
        answer.put("status", job.status());
        answer.put("replayed", submission.replayed());
        answer.put("links", Map.of("self", self));
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .location(URI.create(self))
                .header("Idempotent-Replayed", String.valueOf(submission.replayed()))
                .contentType(MediaType.APPLICATION_JSON)
                .body(codec.write(answer));
    }

    @GetMapping("/{id}")
    public ResponseEntity<byte[]> get(@PathVariable("id") String id) {
        JobResult job = submitter.find(jobId(id), Job.DEFAULT_TENANT);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(codec.write(job));
    }

    /** The names and sizes of the files the job left in {@code /out}. */
    @GetMapping("/{id}/artifacts")
    public ResponseEntity<byte[]> artifacts(@PathVariable("id") String id) {
        JobResult job = submitter.find(jobId(id), Job.DEFAULT_TENANT);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .body(codec.write(Map.of("artifacts", job.artifacts())));
    }

    /** One artifact's content, as the job wrote it. */
    @GetMapping("/{id}/artifacts/{*name}")
    public ResponseEntity<byte[]> artifact(@PathVariable("id") String id, @PathVariable("name") String name) {
        UUID jobId = jobId(id);
        submitter.find(jobId, Job.DEFAULT_TENANT);
        String relative = name.startsWith("/") ? name.substring(1) : name;
        Artifact artifact = artifacts.find(jobId, relative)
                .orElseThrow(() -> new JobNotFoundException(jobId, "no artifact '" + relative + "'"));
        String file = relative.substring(relative.lastIndexOf('/') + 1);
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .header("Content-Disposition", "attachment; filename=\"" + file.replace("\"", "") + "\"")
                .body(artifact.content());
    }

    private static UUID jobId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw InvalidJobException.of("id", "'" + id + "' is not a job id (a UUID)");
        }
    }

    /** Reads the body, refusing it once it passes the cap rather than buffering whatever a client sends. */
    private byte[] readCapped(InputStream body) throws IOException {
        long cap = properties.maxBodySize().toBytes();
        byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, cap + 1));
        if (bytes.length > cap) {
            throw new InvalidJobException(List.of(Violation.tooLarge("$",
                    "request body exceeds the cap of " + cap + " bytes")));
        }
        return bytes;
    }
}
