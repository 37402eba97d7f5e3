package dev.kiff.api.web;

import dev.kiff.api.ApiProperties;
import dev.kiff.api.events.JobEventStream;
import dev.kiff.api.events.SessionEventStream;
import dev.kiff.api.results.ResultAwait;
import dev.kiff.api.session.SessionFiles;
import dev.kiff.api.session.SessionProperties;
import dev.kiff.api.session.SessionWaiters;
import dev.kiff.core.session.SessionHistory;
import dev.kiff.core.session.SessionRecord;
import dev.kiff.core.session.SessionService;
import dev.kiff.core.submit.JobNotFoundException;
import dev.kiff.core.submit.JobSubmitter;
import dev.kiff.core.tenant.Tenant;
import dev.kiff.model.job.InvalidJobException;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.json.JobCodec;
import dev.kiff.model.session.Session;
import dev.kiff.model.session.SessionRunRequest;
import dev.kiff.model.session.SessionState;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code /v1/sessions}: an agent's sandbox held across runs. Create one, run code in it (each run is a job, answered
 * as {@code /v1/jobs} answers), move files in and out of its {@code /workspace}, delete it. Another tenant's session
 * is not found (404), a session busy with a run or not ready yet answers 409, an ended one 410.
 */
@RestController
@RequestMapping("/v1/sessions")
public class SessionController {

    private static final int MAX_PAGE = 100;

    private final SessionService sessions;
    private final SessionWaiters created;
    private final JobSubmitter jobs;
    private final ResultAwait results;
    private final SessionFiles files;
    private final JobCodec codec;
    private final ApiProperties api;
    private final SessionProperties properties;
    private final SessionHistory history;
    private final SessionEventStream sessionEvents;
    private final JobEventStream runEvents;
    private final JobController runsAsJobs;

    /** @param runsAsJobs answers a run's own endpoints once the run is found to be the session's */
    public SessionController(SessionService sessions, SessionWaiters created, JobSubmitter jobs, ResultAwait results,
            SessionFiles files, JobCodec codec, ApiProperties api, SessionProperties properties,
            SessionHistory history, SessionEventStream sessionEvents, JobEventStream runEvents,
            JobController runsAsJobs) {
        this.history = history;
        this.sessionEvents = sessionEvents;
        this.runEvents = runEvents;
        this.runsAsJobs = runsAsJobs;
        this.sessions = sessions;
        this.created = created;
        this.jobs = jobs;
        this.results = results;
        this.files = files;
        this.codec = codec;
        this.api = api;
        this.properties = properties;
    }

    /**
     * Creates a session and waits up to {@code ?wait=} (default {@code kiff.sessions.default-wait}) for a worker to
     * open it: 201 once READY, 202 while still CREATING (poll {@code GET /v1/sessions/{id}}), or the ended session if
     * it could not be opened.
     */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    public CompletableFuture<ResponseEntity<byte[]>> create(Tenant tenant, InputStream body,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestParam(name = "wait", required = false) String wait) throws IOException {
        if (idempotencyKey != null && !JobController.IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
            throw InvalidJobException.of("Idempotency-Key", "must be 1 to 255 printable ASCII characters");
        }
        Duration waitFor = waitOrDefault(wait);
        SessionRecord session = sessions.create(
                codec.readSessionRequest(JobController.readCapped(body, api.maxBodySize())), tenant.id(),
                idempotencyKey);
        CompletableFuture<SessionRecord> answer = waitFor.isZero() || session.state() != SessionState.CREATING
                ? CompletableFuture.completedFuture(session)
                : created.created(session.id(), waitFor);
        return answer.thenApply(now -> {
            Session view = sessions.find(now.id(), tenant.id());
            HttpStatus status = view.state() == SessionState.CREATING ? HttpStatus.ACCEPTED : HttpStatus.CREATED;
            return ResponseEntity.status(status).location(URI.create("/v1/sessions/" + view.id()))
                    .contentType(MediaType.APPLICATION_JSON).body(codec.write(view));
        });
    }

    /**
     * The tenant's sessions, newest first: {@code ?state=open} (default) or {@code all}; {@code ?cursor=} the
     * {@code next} of the previous page.
     */
    @GetMapping
    public ResponseEntity<byte[]> list(Tenant tenant, @RequestParam(name = "state", required = false) String state,
            @RequestParam(name = "cursor", required = false) String cursor,
            @RequestParam(name = "limit", required = false) Integer limit) {
        boolean openOnly = state == null || state.equals("open");
        if (!openOnly && !state.equals("all")) {
            throw InvalidJobException.of("state", "must be open or all");
        }
        int size = limit == null ? 50 : limit;
        if (size < 1 || size > MAX_PAGE) {
            throw InvalidJobException.of("limit", "must be 1 to " + MAX_PAGE);
        }
        Instant before;
        try {
            before = cursor == null ? null : Instant.parse(cursor);
        } catch (DateTimeParseException e) {
            throw InvalidJobException.of("cursor", "not a cursor of this listing");
        }
        List<SessionRecord> page = sessions.list(tenant.id(), openOnly, before, size);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("sessions", page.stream().map(s -> s.view(List.of())).toList());
        answer.put("next", page.size() < size ? null : page.get(page.size() - 1).createdAt().toString());
        return json(HttpStatus.OK, answer);
    }

    /** The session with every move it made, and when it expires if nothing runs. */
    @GetMapping("/{id}")
    public ResponseEntity<byte[]> get(Tenant tenant, @PathVariable("id") String id) {
        return json(HttpStatus.OK, sessions.find(PathIds.parse(id, "session"), tenant.id()));
    }

    /** Ends the session DELETED: its sandbox is closed, a run under way is cancelled. Repeating it answers it again. */
    @DeleteMapping("/{id}")
    public ResponseEntity<byte[]> delete(Tenant tenant, @PathVariable("id") String id) {
        UUID sessionId = PathIds.parse(id, "session");
        sessions.delete(sessionId, tenant.id());
        return json(HttpStatus.OK, sessions.find(sessionId, tenant.id()));
    }

    /**
     * Runs code in the session, waiting up to {@code ?wait=} for the result: 200 with the run's result (its
     * {@code display} holds the last expression's value and plots), or 202 with links while it runs.
     */
    @PostMapping(path = "/{id}/runs", consumes = MediaType.APPLICATION_JSON_VALUE)
    public CompletableFuture<ResponseEntity<byte[]>> run(Tenant tenant, @PathVariable("id") String id,
            InputStream body, @RequestParam(name = "wait", required = false) String wait) throws IOException {
        Duration waitFor = waitOrDefault(wait);
        UUID sessionId = PathIds.parse(id, "session");
        byte[] request = JobController.readCapped(body, api.maxBodySize());
        Job run = sessions.run(sessionId, tenant.id(), codec.readSessionRunRequest(request));
        return awaitRun(run, tenant, waitFor);
    }

    /**
     * Runs code in the session and answers with the run's live event stream, exactly as
     * {@code GET /v1/jobs/{runId}/events} streams a job (status, output, then the result, which ends it). The run is
     * started only once the stream has its place within the tenant's stream limits.
     */
    @PostMapping(path = "/{id}/runs", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter runStreaming(Tenant tenant, @PathVariable("id") String id, InputStream body)
            throws IOException {
        UUID sessionId = PathIds.parse(id, "session");
        byte[] request = JobController.readCapped(body, api.maxBodySize());
        SessionRunRequest run = codec.readSessionRunRequest(request);
        return runEvents.openStarting(tenant.id(), () -> sessions.run(sessionId, tenant.id(), run).id());
    }

    /** The session's runs (code runs and file operations), newest first, {@code limit} at a time. */
    @GetMapping("/{id}/runs")
    public ResponseEntity<byte[]> runs(Tenant tenant, @PathVariable("id") String id,
            @RequestParam(name = "limit", required = false) Integer limit,
            @RequestParam(name = "cursor", required = false) String cursor) {
        UUID sessionId = PathIds.parse(id, "session");
        int size = Cursors.limit(limit, MAX_PAGE);
        long before = Cursors.decode("run", cursor, Long.MIN_VALUE);
        sessions.record(sessionId, tenant.id());
        List<JobResult> page = history.runs(sessionId, before == Long.MIN_VALUE ? null : fromMicros(before), size);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("items", page);
        answer.put("nextCursor", page.size() < size ? null
                : Cursors.encode("run", toMicros(page.get(page.size() - 1).timings().queuedAt())));
        return json(HttpStatus.OK, answer);
    }

    /** The run's state and result, as {@code GET /v1/jobs/{runId}} answers it, {@code ?wait=} included. */
    @GetMapping("/{id}/runs/{runId}")
    public CompletableFuture<ResponseEntity<byte[]>> getRun(Tenant tenant, @PathVariable("id") String id,
            @PathVariable("runId") String runId, @RequestParam(name = "wait", required = false) String wait) {
        ownRun(tenant, id, runId);
        return runsAsJobs.get(tenant, runId, wait);
    }

    /**
     * Cancels the run as {@code DELETE /v1/jobs/{runId}} does; the worker interrupts it, so the session keeps its
     * state and takes the next run.
     */
    @DeleteMapping("/{id}/runs/{runId}")
    public ResponseEntity<byte[]> cancelRun(Tenant tenant, @PathVariable("id") String id,
            @PathVariable("runId") String runId) {
        ownRun(tenant, id, runId);
        return runsAsJobs.cancel(tenant, runId);
    }

    /** The run's events, as {@code GET /v1/jobs/{runId}/events} streams them. */
    @GetMapping(path = "/{id}/runs/{runId}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter runEvents(Tenant tenant, @PathVariable("id") String id, @PathVariable("runId") String runId,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
            @RequestParam(name = "lastEventId", required = false) String lastEventIdParam) {
        ownRun(tenant, id, runId);
        return runsAsJobs.events(tenant, runId, lastEventId, lastEventIdParam);
    }

    /**
     * Every move of the session as Server-Sent Events: those stored, then live ones, until it ends;
     * {@code Last-Event-ID} (a move's {@code seq}) resumes after that move.
     */
    @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter events(Tenant tenant, @PathVariable("id") String id,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
            @RequestParam(name = "lastEventId", required = false) String lastEventIdParam) {
        return sessionEvents.open(PathIds.parse(id, "session"), tenant.id(),
                lastEventId != null ? lastEventId : lastEventIdParam);
    }

    /**
     * The run, when it is one of the tenant's session's: a session of another tenant is not found (404
     * {@code session-not-found}), and neither is a run of another session (404 {@code job-not-found}).
     */
    private void ownRun(Tenant tenant, String id, String runId) {
        UUID sessionId = PathIds.parse(id, "session");
        UUID run = JobController.jobId(runId);
        sessions.record(sessionId, tenant.id());
        JobResult found = jobs.find(run, tenant.id());
        if (!sessionId.equals(found.sessionId())) {
            throw new JobNotFoundException(run, "no run of session " + sessionId);
        }
    }

    private static long toMicros(Instant at) {
        return at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000;
    }

    private static Instant fromMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    /** Writes the request body to {@code path} in the session's {@code /workspace}. */
    @PutMapping(path = "/{id}/files/{*path}")
    public CompletableFuture<ResponseEntity<byte[]>> putFile(Tenant tenant, @PathVariable("id") String id,
            @PathVariable("path") String path, InputStream body,
            @RequestParam(name = "wait", required = false) String wait) throws IOException {
        Duration waitFor = waitOrDefault(wait);
        UUID sessionId = PathIds.parse(id, "session");
        byte[] content = JobController.readCapped(body, DataSize.ofBytes(properties.maxFileSize()));
        Job put = sessions.putFile(sessionId, tenant.id(), relative(path), content);
        return awaitRun(put, tenant, waitFor);
    }

    /** The file at {@code path} in the session's {@code /workspace}, as bytes. */
    @GetMapping("/{id}/files/{*path}")
    public CompletableFuture<ResponseEntity<byte[]>> getFile(Tenant tenant, @PathVariable("id") String id,
            @PathVariable("path") String path) {
        UUID sessionId = PathIds.parse(id, "session");
        return files.download(sessionId, tenant.id(), relative(path), properties.defaultWait())
                .thenApply(download -> download.content() == null ? runAnswer(download.run())
                        : ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM)
                                .body(download.content()));
    }

    /** The files of the session's {@code /workspace} with their sizes, as the session's runner lists them. */
    @GetMapping("/{id}/files")
    public CompletableFuture<ResponseEntity<byte[]>> listFiles(Tenant tenant, @PathVariable("id") String id) {
        UUID sessionId = PathIds.parse(id, "session");
        return files.list(sessionId, tenant.id(), properties.defaultWait())
                .thenApply(listing -> listing.json() == null ? runAnswer(listing.run())
                        : ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                                .body(listing.json().getBytes(StandardCharsets.UTF_8)));
    }

    /** The run's result once it ended (200), or its state with links when {@code waitFor} ran out first (202). */
    private CompletableFuture<ResponseEntity<byte[]>> awaitRun(Job run, Tenant tenant, Duration waitFor) {
        return results.ended(run.id(), tenant.id(), waitFor).thenApply(this::runAnswer);
    }

    private ResponseEntity<byte[]> runAnswer(JobResult run) {
        if (run.status().isTerminal()) {
            return json(HttpStatus.OK, run);
        }
        String self = "/v1/jobs/" + run.id();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", run.id());
        answer.put("status", run.status());
        answer.put("links", Map.of("self", self, "events", self + "/events"));
        return ResponseEntity.status(HttpStatus.ACCEPTED).location(URI.create(self))
                .header("Retry-After", String.valueOf(Math.max(1, api.pollAfter().toSeconds())))
                .contentType(MediaType.APPLICATION_JSON).body(codec.write(answer));
    }

    private Duration waitOrDefault(String wait) {
        return wait == null ? properties.defaultWait() : JobController.parseWait(wait, api.maxWait());
    }

    /** The {@code {*path}} variable without its leading slash; {@code FileNames} judges the rest. */
    private static String relative(String path) {
        return path.startsWith("/") ? path.substring(1) : path;
    }

    private ResponseEntity<byte[]> json(HttpStatus status, Object body) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(codec.write(body));
    }
}
