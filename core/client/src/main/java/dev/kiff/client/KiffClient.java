package dev.kiff.client;

import dev.kiff.model.batch.BatchProgress;
import dev.kiff.model.batch.BatchRequest;
import dev.kiff.model.job.InvalidJobException;
import dev.kiff.model.job.JobRequest;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.json.JobCodec;
import dev.kiff.model.output.LogChunk;
import dev.kiff.model.session.Session;
import dev.kiff.model.session.SessionRequest;
import dev.kiff.model.session.SessionState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A client of the Kiff HTTP API v1: submit jobs and batches, wait for them, follow a job's live events, read its
 * logs, cancel; hold a session ({@link #createSession}) whose runs share state. Bodies go through the contract's
 * {@link JobCodec}, so the client speaks exactly the server's JSON.
 * Every failure is a {@link KiffException}. Thread-safe: share one instance.
 *
 * <pre>{@code
 * KiffClient kiff = KiffClient.fromEnvironment();
 * JobResult result = kiff.run(new JobRequest(VmType.CODE_EXEC, Language.PYTHON, "print(1)", null, null, null, null),
 *         Duration.ofMinutes(1));
 * }</pre>
 */
public final class KiffClient {

    /** Each long-poll asks for at most this; the server allows 60 s, less leaves room for proxies' idle timeouts. */
    static final Duration LONG_POLL = Duration.ofSeconds(30);
    /** How often a session still CREATING after the server's wait is looked at again. */
    private static final Duration SESSION_POLL = Duration.ofMillis(250);
    /** Reconnections in a row that bring no event before {@link #stream} gives up. */
    private static final int MAX_RECONNECTS = 5;
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);
    private static final Duration BATCH_POLL_FIRST = Duration.ofMillis(200);
    private static final Duration BATCH_POLL_MAX = Duration.ofSeconds(5);

    final HttpClient http;
    private final String base;
    private final String apiKey;
    final Duration timeout;
    final JobCodec codec = new JobCodec();

    private KiffClient(Builder builder) {
        String url = builder.baseUrl.toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.apiKey = builder.apiKey;
        this.timeout = builder.timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A client for {@code KIFF_URL} (default {@code http://localhost:8080}) with the key in {@code KIFF_API_KEY}. */
    public static KiffClient fromEnvironment() {
        return fromEnvironment(System::getenv);
    }

    static KiffClient fromEnvironment(Function<String, String> env) {
        String url = env.apply("KIFF_URL");
        return builder().baseUrl(URI.create(url == null || url.isBlank() ? "http://localhost:8080" : url.strip()))
                .apiKey(env.apply("KIFF_API_KEY")).build();
    }

    // --- jobs ---

    public Submitted submit(JobRequest request) {
        return submit(request, null);
    }

    /** Submits a job; repeating the call with the same {@code idempotencyKey} answers the same job, never a second. */
    public Submitted submit(JobRequest request, String idempotencyKey) {
        HttpRequest.Builder post = post("/v1/jobs", codec.write(request));
        if (idempotencyKey != null) {
            post.header("Idempotency-Key", idempotencyKey);
        }
        JsonNode answer = decode(() -> Json.tree(send(post).body()));
        return new Submitted(Json.uuid(answer, "id"), JobStatus.valueOf(Json.text(answer, "status")),
                answer.path("replayed").asBoolean(false));
    }

    /** The job's state now; its result once it ended. */
    public JobResult get(UUID id) {
        HttpResponse<byte[]> answer = send(request("/v1/jobs/" + id, timeout).GET());
        return decode(() -> codec.readResult(answer.body()));
    }

    /**
     * Waits for the job to end by long-polling, one {@code ?wait=} request after the other.
     *
     * @throws KiffTimeoutException when it has not ended within {@code timeout}
     */
    public JobResult await(UUID id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Duration wait = Duration.ofMillis(Math.max(0, Math.min(LONG_POLL.toMillis(), left / 1_000_000)));
            long start = System.nanoTime();
            HttpResponse<byte[]> answer = send(request("/v1/jobs/" + id + "?wait=" + waitParam(wait),
                    wait.plus(this.timeout)).GET());
            JobResult job = decode(() -> codec.readResult(answer.body()));
            if (job.status().isTerminal()) {
                return job;
            }
            // Answered before the wait ran out, yet not ended: something between ignores ?wait. Take the server's
            // Retry-After hint rather than spin.
            boolean early = System.nanoTime() - start < wait.toNanos();
            String hint = answer.headers().firstValue("Retry-After").orElse("");
            if (early && hint.matches("\\d{1,6}")) {
                Duration after = Duration.ofSeconds(Long.parseLong(hint));
                Duration rest = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                pause(after.compareTo(rest) < 0 ? after : rest);
            }
            if (deadline - System.nanoTime() <= 0) {
                throw new KiffTimeoutException("job " + id + " did not end within " + timeout + ", it is "
                        + job.status());
            }
        }
    }

    /** Submits the job and waits for it to end. */
    public JobResult run(JobRequest request, Duration timeout) {
        return await(submit(request).id(), timeout);
    }

    /** Cancels the job; a 409 {@link KiffException} (with property {@code jobStatus}) when it ended otherwise. */
    public JobResult cancel(UUID id) {
        HttpResponse<byte[]> answer = send(request("/v1/jobs/" + id, timeout).DELETE());
        return decode(() -> codec.readResult(answer.body()));
    }

    /**
     * Requeues a dead letter: it gets its attempts again and runs as a new life of the job, with a result of its own.
     * Answers the job as it is now (QUEUED). A tenant's key requeues the tenant's dead letters, as a submission within
     * its quotas ({@link KiffQuotaException} at its limit); the admin key any tenant's. {@link KiffNotFoundException}
     * when there is no such job (or it is another tenant's); a 409 {@link KiffException}
     * ({@code urn:kiff:problem:not-a-dead-letter}, property {@code jobStatus}) when it is not a dead letter (any more:
     * of two requeues at once, one wins) or is a session's run.
     */
    public JobResult requeueDeadLetter(UUID id) {
        HttpResponse<byte[]> answer = send(request("/v1/dlq/" + id + "/requeue", timeout)
                .POST(HttpRequest.BodyPublishers.noBody()));
        return decode(() -> codec.readResult(answer.body()));
    }

    /** The job's kept output, every run, in order. */
    public List<LogChunk> logs(UUID id) {
        HttpResponse<byte[]> answer = send(request("/v1/jobs/" + id + "/logs", timeout).GET());
        return decode(() -> {
            List<LogChunk> chunks = new ArrayList<>();
            for (JsonNode chunk : Json.tree(answer.body()).path("chunks")) {
                chunks.add(chunk(chunk, id));
            }
            return List.copyOf(chunks);
        });
    }

    /**
     * Follows the job's live events until it ends, handing each to {@code listener} on this thread, and answers the
     * result. A dropped connection is resumed with {@code Last-Event-ID}: the listener sees every event once.
     *
     * @throws KiffException when the stream cannot be resumed after {@value #MAX_RECONNECTS} attempts in a row
     */
    public JobResult stream(UUID id, Consumer<JobEvent> listener) {
        return follow(id, null, () -> null, listener);
    }

    /**
     * Follows a job's events as {@link #stream} does, starting with {@code first} when it is an events stream already
     * open (the answer of {@code POST /v1/sessions/{id}/runs} as SSE), else with {@code GET /v1/jobs/{id}/events}.
     * When the id is not known yet ({@code id} null), the events name it; a drop before the first of them asks
     * {@code idWhenUnknown}.
     */
    JobResult follow(UUID id, InputStream first, Supplier<UUID> idWhenUnknown, Consumer<JobEvent> listener) {
        SseParser parser = new SseParser();
        UUID job = id;
        InputStream opened = first;
        int failures = 0;
        while (true) {
            boolean progressed = false;
            IOException cause = null;
            try (InputStream body = opened != null ? opened : openEvents(job, parser.lastEventId())) {
                opened = null;
                BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    SseParser.Event event = parser.line(line);
                    if (event != null) {
                        progressed = true;
                        if (job == null) {
                            job = jobOf(event);
                        }
                        JobResult result = deliver(event, job, listener);
                        if (result != null) {
                            return result;
                        }
                    }
                }
            } catch (IOException e) {
                cause = e;
            }
            // Ended without a result: the connection was cut (a clean end is a cut too, a proxy may do that).
            parser.reconnecting();
            failures = progressed ? 0 : failures + 1;
            if (job == null) {
                job = idWhenUnknown.get();
                if (job == null) {
                    throw new KiffException("lost the events of a run before they named it", cause);
                }
            }
            if (failures > MAX_RECONNECTS) {
                throw new KiffException("lost the events of job " + job + " after " + MAX_RECONNECTS
                        + " reconnections", cause);
            }
            if (failures > 0) {
                pause(Objects.requireNonNullElse(parser.retry(), RECONNECT_DELAY));
            }
        }
    }

    /** The job an event is about: each names it ({@code jobId} of status and output, {@code id} of the result). */
    private static UUID jobOf(SseParser.Event event) {
        try {
            JsonNode data = Json.tree(event.data());
            UUID job = Json.uuid(data, "jobId");
            return job != null || !"result".equals(event.type()) ? job : Json.uuid(data, "id");
        } catch (JacksonException | IllegalArgumentException e) {
            return null;
        }
    }

    private InputStream openEvents(UUID id, String lastEventId) throws IOException {
        HttpRequest.Builder get = request("/v1/jobs/" + id + "/events", timeout).setHeader("Accept", "text/event-stream");
        if (!lastEventId.isEmpty()) {
            get.header("Last-Event-ID", lastEventId);
        }
        return open(get.GET()).body();
    }

    /** Sends the request, leaving the answer's body to read as it comes; an answer other than 2xx is thrown. */
    HttpResponse<InputStream> open(HttpRequest.Builder request) throws IOException {
        HttpResponse<InputStream> answer;
        try {
            answer = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
        if (answer.statusCode() / 100 != 2) {
            try (InputStream body = answer.body()) {
                throw KiffException.of(answer.statusCode(), answer.headers(), body.readAllBytes());
            }
        }
        return answer;
    }

    /** Hands the event to the listener; answers the result when it is the last one. */
    private JobResult deliver(SseParser.Event event, UUID id, Consumer<JobEvent> listener) {
        switch (event.type()) {
            case "status" -> {
                JsonNode data = decode(() -> Json.tree(event.data()));
                listener.accept(new JobEvent.Status(Json.text(data, "status"), data.path("attempt").asInt(0)));
            }
            case "output" -> listener.accept(new JobEvent.Output(decode(() -> chunk(Json.tree(event.data()), id))));
            case "result" -> {
                JobResult result = decode(() -> codec.readResult(event.data().getBytes(StandardCharsets.UTF_8)));
                listener.accept(new JobEvent.Result(result));
                return result;
            }
            default -> {
                // an event type this client does not know yet: skipped, so a newer server does not break it
            }
        }
        return null;
    }

    /**
     * A chunk as the logs and events endpoints send it: they leave out what the URL already says (job id, version),
     * which the contract's strict reader would refuse, so it is filled in here.
     */
    private static LogChunk chunk(JsonNode node, UUID job) {
        UUID jobId = Json.uuid(node, "jobId");
        String at = Json.text(node, "at");
        return new LogChunk(node.path("v").asInt(LogChunk.VERSION), jobId == null ? job : jobId,
                Json.text(node, "tenant"), node.path("attempt").asInt(0), node.path("seq").asInt(0),
                Json.text(node, "stream"), Json.text(node, "data"), at == null ? null : Instant.parse(at));
    }

    // --- sessions ---

    /**
     * Creates a session, a sandbox of the VM type held for this tenant across runs, and waits until a worker opened
     * it (READY), up to {@code timeout}.
     *
     * @throws KiffQuotaException        when the tenant holds its quota of open sessions ({@code maxOpenSessions})
     * @throws KiffSessionEndedException when it could not be opened (it ended EXPIRED, with the reason)
     * @throws KiffTimeoutException      when it is still CREATING at {@code timeout}; it is deleted then
     */
    public KiffSession createSession(SessionRequest request, String idempotencyKey, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Duration wait = Duration.ofMillis(Math.max(1, Math.min(LONG_POLL.toMillis(), timeout.toMillis())));
        HttpRequest.Builder post = post("/v1/sessions?wait=" + waitParam(wait), codec.write(request))
                .timeout(wait.plus(this.timeout));
        if (idempotencyKey != null) {
            post.header("Idempotency-Key", idempotencyKey);
        }
        HttpResponse<byte[]> answer = send(post);
        Session session = decode(() -> codec.readSession(answer.body()));
        while (session.state() == SessionState.CREATING) {
            if (deadline - System.nanoTime() <= 0) {
                // Nobody would hold a handle to it: it would only wait for its create timeout, holding quota.
                KiffSession orphan = new KiffSession(this, session);
                orphan.close();
                throw new KiffTimeoutException("session " + session.id() + " was not opened within " + timeout
                        + "; it was deleted");
            }
            pause(Duration.ofMillis(Math.min(SESSION_POLL.toMillis(),
                    Math.max(1, (deadline - System.nanoTime()) / 1_000_000))));
            session = getSession(session.id());
        }
        if (session.state().isTerminal()) {
            throw ended(session);
        }
        return new KiffSession(this, session);
    }

    /**
     * Creates a session and waits up to 60 s for it to open; see
     * {@link #createSession(SessionRequest, String, Duration)}.
     */
    public KiffSession createSession(SessionRequest request) {
        return createSession(request, null, Duration.ofSeconds(60));
    }

    /** A handle on a session created before, e.g. by another process; {@link KiffNotFoundException} if none. */
    public KiffSession session(UUID id) {
        return new KiffSession(this, getSession(id));
    }

    /** The tenant's sessions, newest first: the open ones, or all when {@code all}. Pages are fetched lazily. */
    public Stream<Session> sessions(boolean all) {
        Iterator<Session> sessions = new Iterator<>() {
            private Iterator<Session> page = Collections.emptyIterator();
            private String cursor;
            private boolean last;

            @Override
            public boolean hasNext() {
                while (!page.hasNext() && !last) {
                    String path = "/v1/sessions?state=" + (all ? "all" : "open") + (cursor == null ? ""
                            : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
                    JsonNode answer = decode(() -> Json.tree(send(request(path, timeout).GET()).body()));
                    List<Session> items = new ArrayList<>();
                    for (JsonNode item : answer.path("sessions")) {
                        items.add(decode(() -> codec.readSession(Json.bytes(item))));
                    }
                    page = items.iterator();
                    cursor = Json.text(answer, "next");
                    last = cursor == null || items.isEmpty();
                }
                return page.hasNext();
            }

            @Override
            public Session next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.next();
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(sessions,
                Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** One artifact of a job, e.g. a plot of a session run: {@code display/1.png} of its {@code display} item. */
    public byte[] artifact(UUID jobId, String name) {
        return send(request("/v1/jobs/" + jobId + "/artifacts/" + segments(name), timeout)
                .setHeader("Accept", "application/octet-stream").GET()).body();
    }

    Session getSession(UUID id) {
        HttpResponse<byte[]> answer = send(request("/v1/sessions/" + id, timeout).GET());
        return decode(() -> codec.readSession(answer.body()));
    }

    static KiffSessionEndedException ended(Session session) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("sessionState", session.state().name());
        if (session.reason() != null) {
            properties.put("reason", session.reason());
        }
        return new KiffSessionEndedException(new KiffException.Problem(0, "urn:kiff:problem:session-ended",
                "Session ended", "session " + session.id() + " is " + session.state()
                        + (session.reason() == null ? "" : ": " + session.reason()), null, List.of(), null,
                properties));
    }

    /** A relative path as URL path segments: each one percent-encoded, the slashes kept. */
    static String segments(String path) {
        StringBuilder encoded = new StringBuilder();
        for (String segment : path.split("/", -1)) {
            if (!encoded.isEmpty()) {
                encoded.append('/');
            }
            encoded.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return encoded.toString();
    }

    // --- batches ---

    /** Submits the jobs of the batch: all are accepted, or none (then {@link KiffInvalidRequestException}). */
    public BatchAccepted submitBatch(BatchRequest request) {
        JsonNode answer = decode(() -> Json.tree(send(post("/v1/batches", codec.write(request))).body()));
        return new BatchAccepted(Json.uuid(answer, "id"), answer.path("size").asInt(0), Json.text(answer, "status"));
    }

    public BatchProgress batch(UUID id) {
        HttpResponse<byte[]> answer = send(request("/v1/batches/" + id, timeout).GET());
        return decode(() -> codec.readBatchProgress(answer.body()));
    }

    /**
     * The batch's jobs in submission order, only those in {@code status} unless it is null. Pages are fetched as the
     * stream is consumed, so errors (such as {@link KiffNotFoundException}) surface from its terminal operation.
     */
    public Stream<JobResult> batchJobs(UUID id, String status) {
        Iterator<JobResult> jobs = new Iterator<>() {
            private Iterator<JobResult> page = Collections.emptyIterator();
            private String cursor;
            private boolean last;

            @Override
            public boolean hasNext() {
                while (!page.hasNext() && !last) {
                    StringBuilder query = new StringBuilder();
                    if (status != null) {
                        query.append("&status=").append(URLEncoder.encode(status, StandardCharsets.UTF_8));
                    }
                    if (cursor != null) {
                        query.append("&cursor=").append(URLEncoder.encode(cursor, StandardCharsets.UTF_8));
                    }
                    String path = "/v1/batches/" + id + "/jobs" + (query.isEmpty() ? "" : "?" + query.substring(1));
                    JsonNode answer = decode(() -> Json.tree(send(request(path, timeout).GET()).body()));
                    List<JobResult> items = new ArrayList<>();
                    for (JsonNode item : answer.path("items")) {
                        items.add(decode(() -> codec.readResult(Json.bytes(item))));
                    }
                    page = items.iterator();
                    cursor = Json.text(answer, "nextCursor");
                    last = cursor == null;
                }
                return page.hasNext();
            }

            @Override
            public JobResult next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.next();
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(jobs,
                Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /**
     * Polls the batch, backing off from 200 ms to 5 s, until all its jobs ended.
     *
     * @throws KiffTimeoutException when it has not completed within {@code timeout}
     */
    public BatchProgress awaitBatch(UUID id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Duration interval = BATCH_POLL_FIRST;
        while (true) {
            BatchProgress progress = batch(id);
            if (BatchProgress.COMPLETED.equals(progress.status())) {
                return progress;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new KiffTimeoutException("batch " + id + " did not complete within " + timeout + ", "
                        + progress.ended() + " of " + progress.size() + " jobs ended");
            }
            pause(interval.toNanos() < left ? interval : Duration.ofNanos(left));
            interval = interval.multipliedBy(2).compareTo(BATCH_POLL_MAX) < 0 ? interval.multipliedBy(2) : BATCH_POLL_MAX;
        }
    }

    /** Cancels the batch: its queued jobs never start, its running ones are killed. */
    public BatchProgress cancelBatch(UUID id) {
        HttpResponse<byte[]> answer = send(request("/v1/batches/" + id, timeout).DELETE());
        return decode(() -> codec.readBatchProgress(answer.body()));
    }

    // --- HTTP ---

    HttpRequest.Builder request(String path, Duration requestTimeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(requestTimeout)
                .header("Accept", "application/json");
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        return request;
    }

    HttpRequest.Builder post(String path, byte[] body) {
        return request(path, timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    /** Sends the request; an answer other than 2xx becomes the matching {@link KiffException}. */
    HttpResponse<byte[]> send(HttpRequest.Builder request) {
        HttpRequest built = request.build();
        HttpResponse<byte[]> answer;
        try {
            answer = http.send(built, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new KiffException(built.method() + " " + built.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
        if (answer.statusCode() / 100 != 2) {
            throw KiffException.of(answer.statusCode(), answer.headers(), answer.body());
        }
        return answer;
    }

    /** Reads an answer; one the contract cannot read is the server's fault, reported as such. */
    static <T> T decode(Supplier<T> read) {
        try {
            return read.get();
        } catch (JacksonException | InvalidJobException | IllegalArgumentException | NullPointerException e) {
            throw new KiffException("Kiff sent an answer this client cannot read: " + e.getMessage(), e);
        }
    }

    static String waitParam(Duration wait) {
        long millis = wait.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    static void pause(Duration duration) {
        try {
            // Rounded up to the next millisecond: waking a hair early would cost one more needless request.
            Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    static KiffException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new KiffException("interrupted while talking to Kiff", e);
    }

    /** Settings of a {@link KiffClient}. */
    public static final class Builder {

        private URI baseUrl = URI.create("http://localhost:8080");
        private String apiKey;
        private Duration timeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /** Where the API lives, e.g. {@code https://kiff.example.com}; default {@code http://localhost:8080}. */
        public Builder baseUrl(URI baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
            return this;
        }

        /** The tenant's key, sent as {@code Authorization: Bearer}; null sends none. */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
            return this;
        }

        /** How long to connect and to wait for an answer, on top of any long-poll wait; default 30 s. */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        public KiffClient build() {
            return new KiffClient(this);
        }
    }
}
