package dev.kiff.client;

import dev.kiff.model.job.DisplayItem;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.Language;
import dev.kiff.model.session.Session;
import dev.kiff.model.session.SessionRunRequest;
import dev.kiff.model.session.SessionState;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * A session: a sandbox held for this tenant across runs. Python keeps its globals from one run to the next, files stay
 * in {@code /workspace}, and each run answers a {@link JobResult} whose {@code display} holds the last expression's
 * value ({@code text/plain}) and plots ({@code image/png}, fetched with {@link #image}). One run at a time: a second
 * one while the first runs is a {@link KiffSessionBusyException}; once the session ended every call is a
 * {@link KiffSessionEndedException}. {@link #close()} deletes it, so a try-with-resources never leaks a sandbox:
 *
 * <pre>{@code
 * SessionRequest request = new SessionRequest(VmType.DATA_PROCESSING, null, null, null, null, null);
 * try (KiffSession session = kiff.createSession(request)) {
 *     session.upload("in.csv", csv);
 *     session.run("import pandas as pd; df = pd.read_csv('in.csv')");
 *     JobResult rows = session.run("len(df)");          // rows.display().get(0).text() is "3"
 * }
 * }</pre>
 *
 * <p>Thread-safe, but the server takes one run at a time.
 */
public final class KiffSession implements AutoCloseable {

    /** Added to a run's own time limit when waiting for its result: queueing and the way back. */
    private static final Duration RESULT_MARGIN = Duration.ofSeconds(30);

    private final KiffClient client;
    private final UUID id;
    private volatile Session view;

    KiffSession(KiffClient client, Session view) {
        this.client = client;
        this.id = view.id();
        this.view = view;
    }

    public UUID id() {
        return id;
    }

    /** The session as last fetched (at creation, or by {@link #refresh()} or {@link #close()}). */
    public Session view() {
        return view;
    }

    /** Fetches the session again: its state, current run, expiry and transitions now. */
    public Session refresh() {
        view = client.getSession(id);
        return view;
    }

    /** The session's state now, as the server knows it. */
    public SessionState state() {
        return refresh().state();
    }

    /** Runs Python code, waiting for its result; the globals it sets are there for the next run. */
    public JobResult run(String code) {
        return run(new SessionRunRequest(Language.PYTHON, code, null, null));
    }

    /** Runs the request and waits for its result, up to its time limit (or the session's) plus a margin. */
    public JobResult run(SessionRunRequest request) {
        return run(request, runLimit(request).plus(RESULT_MARGIN));
    }

    /**
     * Runs the request and waits up to {@code timeout} for it to end.
     *
     * @throws KiffTimeoutException when it has not ended by then; it goes on running, {@link #interrupt} stops it
     */
    public JobResult run(SessionRunRequest request, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Duration wait = waitFor(timeout);
        HttpResponse<byte[]> answer = client.send(client.post("/v1/sessions/" + id + "/runs?wait="
                + KiffClient.waitParam(wait), client.codec.write(request)).timeout(wait.plus(client.timeout)));
        return ended(answer, deadline);
    }

    /**
     * Runs the request and hands its live events (status, output as it comes, then the result) to {@code listener}
     * on this thread; answers the result. A dropped connection is resumed at {@code /v1/jobs/{run}/events}, so the
     * listener sees every event once. A server that answers with JSON instead of events is followed the same way.
     */
    public JobResult stream(SessionRunRequest request, Consumer<JobEvent> listener) {
        HttpRequest.Builder post = client.post("/v1/sessions/" + id + "/runs", client.codec.write(request))
                .setHeader("Accept", "text/event-stream");
        HttpResponse<InputStream> answer;
        try {
            answer = client.open(post);
        } catch (IOException e) {
            throw new KiffException("POST /v1/sessions/" + id + "/runs failed: " + e, e);
        }
        String type = answer.headers().firstValue("Content-Type").orElse("");
        if (type.startsWith("text/event-stream")) {
            return client.follow(null, answer.body(), () -> refresh().currentRun(), listener);
        }
        // Not events: the result itself (200), or where the run is (202), as a plain POST answers.
        byte[] body;
        try (InputStream in = answer.body()) {
            body = in.readAllBytes();
        } catch (IOException e) {
            throw new KiffException("reading the answer of run in session " + id + " failed: " + e, e);
        }
        if (answer.statusCode() == 200) {
            JobResult result = KiffClient.decode(() -> client.codec.readResult(body));
            listener.accept(new JobEvent.Result(result));
            return result;
        }
        UUID run = KiffClient.decode(() -> Json.uuid(Json.tree(body), "id"));
        return client.follow(run, null, () -> run, listener);
    }

    /**
     * Interrupts a run under way, as Ctrl-C would: Python gets a {@code KeyboardInterrupt}, bash and node a SIGINT.
     * The run ends CANCELLED and the session keeps its state (globals, files). Answers the run.
     */
    public JobResult interrupt(UUID runId) {
        HttpResponse<byte[]> answer = client.send(client.request("/v1/sessions/" + id + "/runs/" + runId,
                client.timeout).DELETE());
        return KiffClient.decode(() -> client.codec.readResult(answer.body()));
    }

    /**
     * Writes {@code content} to {@code path} in the session's {@code /workspace} (at most 4 MiB by default); the
     * directories on the way are made. Paths are relative, of {@code [A-Za-z0-9._/-]}, without {@code ..} or a
     * part starting with a dot. Answers the operation's run.
     *
     * @throws KiffInvalidRequestException     for a path the rules refuse, or a file too large
     * @throws KiffSessionOperationException   when the sandbox could not write it
     */
    public JobResult upload(String path, byte[] content) {
        long deadline = System.nanoTime() + runLimit(null).plus(RESULT_MARGIN).toNanos();
        Duration wait = KiffClient.LONG_POLL;
        HttpResponse<byte[]> answer = client.send(client.request("/v1/sessions/" + id + "/files/"
                + KiffClient.segments(path) + "?wait=" + KiffClient.waitParam(wait), wait.plus(client.timeout))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content)));
        return succeeded(ended(answer, deadline), "upload of " + path);
    }

    /** The content of the file at {@code path} in the session's {@code /workspace}. */
    public byte[] download(String path) {
        long deadline = System.nanoTime() + runLimit(null).plus(RESULT_MARGIN).toNanos();
        HttpResponse<byte[]> answer = client.send(client.request("/v1/sessions/" + id + "/files/"
                + KiffClient.segments(path), KiffClient.LONG_POLL.plus(client.timeout))
                .setHeader("Accept", "application/octet-stream, application/json").GET());
        if (!isJson(answer)) {
            return answer.body();
        }
        // JSON instead of the bytes: the operation did not succeed (200 with its result) or is still running (202).
        JobResult get = succeeded(ended(answer, deadline), "download of " + path);
        return client.artifact(get.id(), path);
    }

    /** The regular files in the session's {@code /workspace}, with their sizes, sorted by path. */
    public List<SessionFile> files() {
        long deadline = System.nanoTime() + runLimit(null).plus(RESULT_MARGIN).toNanos();
        HttpResponse<byte[]> answer = client.send(client.request("/v1/sessions/" + id + "/files",
                KiffClient.LONG_POLL.plus(client.timeout)).GET());
        JsonNode listing = KiffClient.decode(() -> Json.tree(answer.body()));
        if (answer.statusCode() == 200 && !listing.has("status")) {
            return listing(listing);
        }
        JobResult list = succeeded(ended(answer, deadline), "listing");
        DisplayItem item = list.display().stream().filter(d -> "application/json".equals(d.mimeType())
                && d.text() != null).findFirst().orElseThrow(() -> new KiffSessionOperationException(
                        "the listing of session " + id + " answered no files", list));
        return listing(KiffClient.decode(() -> Json.tree(item.text())));
    }

    /** The bytes of a display item of a run of this session: a plot's PNG. */
    public byte[] image(JobResult run, DisplayItem item) {
        if (item.artifact() == null) {
            throw new IllegalArgumentException("the display item " + item.mimeType() + " has no artifact");
        }
        return client.artifact(run.id(), item.artifact());
    }

    /**
     * Deletes the session: its sandbox is closed and a run under way cancelled. Closing an ended session again is
     * harmless; one the server no longer knows is taken as closed.
     */
    @Override
    public void close() {
        try {
            HttpResponse<byte[]> answer = client.send(client.request("/v1/sessions/" + id, client.timeout).DELETE());
            view = KiffClient.decode(() -> client.codec.readSession(answer.body()));
        } catch (KiffNotFoundException e) {
            // already gone (retention, or another tenant's key): nothing is held any more
        }
    }

    @Override
    public String toString() {
        return "KiffSession(id=" + id + ", state=" + view.state() + ")";
    }

    /** The run's result from a 200, or waited for (GET /v1/jobs/{id}?wait) from a 202 until {@code deadline}. */
    private JobResult ended(HttpResponse<byte[]> answer, long deadline) {
        if (answer.statusCode() == 200) {
            return KiffClient.decode(() -> client.codec.readResult(answer.body()));
        }
        UUID run = KiffClient.decode(() -> Json.uuid(Json.tree(answer.body()), "id"));
        return client.await(run, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
    }

    private JobResult succeeded(JobResult operation, String what) {
        if (operation.status() != JobStatus.SUCCEEDED) {
            // The sandbox's own words ("no such file: …") say more than the run's "exit code 1".
            String stderr = Objects.requireNonNullElse(operation.stderr(), "").strip();
            String why = !stderr.isEmpty() ? stderr : Objects.requireNonNullElse(operation.message(), "");
            throw new KiffSessionOperationException("the " + what + " in session " + id + " ended "
                    + operation.status() + (why.isEmpty() ? "" : ": " + why), operation);
        }
        return operation;
    }

    /** The listing as the runner writes it: {@code {"files": [{path, size}]}}, or the bare array. */
    private static List<SessionFile> listing(JsonNode listing) {
        JsonNode files = listing.isArray() ? listing : listing.path("files");
        List<SessionFile> answer = new ArrayList<>();
        for (JsonNode file : files) {
            answer.add(new SessionFile(Json.text(file, "path"), file.path("size").asLong(0)));
        }
        return List.copyOf(answer);
    }

    private static boolean isJson(HttpResponse<?> answer) {
        return answer.headers().firstValue("Content-Type").orElse("").startsWith("application/json");
    }

    /** How long a run may take: its own limit, else the session's. */
    private Duration runLimit(SessionRunRequest request) {
        if (request != null && request.timeoutMs() != null) {
            return Duration.ofMillis(request.timeoutMs());
        }
        return view.limits() == null ? Duration.ofMinutes(5) : Duration.ofMillis(view.limits().timeoutMs());
    }

    private static Duration waitFor(Duration timeout) {
        return timeout.compareTo(KiffClient.LONG_POLL) < 0 ? Duration.ofMillis(Math.max(1, timeout.toMillis()))
                : KiffClient.LONG_POLL;
    }
}
