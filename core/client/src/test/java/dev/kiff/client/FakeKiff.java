package dev.kiff.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.VmType;
import dev.kiff.model.json.JobCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the Kiff API on 127.0.0.1 (port chosen by the OS): answers each "METHOD path" with scripted
 * responders, the n-th call with the n-th (the last one repeating), and records every request.
 */
final class FakeKiff implements AutoCloseable {

    /** A request as the server saw it; {@code query} is decoded. */
    record Call(String method, String path, String query, Map<String, List<String>> headers, String body) {

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    @FunctionalInterface
    interface Responder {
        void respond(HttpExchange exchange) throws IOException;
    }

    static final JobCodec CODEC = new JobCodec();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, List<Responder>> routes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    final List<Call> calls = new CopyOnWriteArrayList<>();

    FakeKiff() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    FakeKiff on(String method, String path, Responder... responders) {
        routes.put(method + " " + path, List.of(responders));
        return this;
    }

    List<Call> calls(String method, String path) {
        return calls.stream().filter(c -> c.method().equals(method) && c.path().equals(path)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String key = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
        calls.add(new Call(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestURI().getQuery(), Map.copyOf(exchange.getRequestHeaders()),
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        List<Responder> responders = routes.get(key);
        if (responders == null) {
            problem(404, "not-found", "Not found", null).respond(exchange);
            return;
        }
        int n = counts.computeIfAbsent(key, k -> new AtomicInteger()).getAndIncrement();
        responders.get(Math.min(n, responders.size() - 1)).respond(exchange);
    }

    static Responder json(int status, String body, String... headers) {
        return exchange -> send(exchange, status, "application/json", body, headers);
    }

    static Responder result(JobResult result, String... headers) {
        return json(200, CODEC.writeString(result), headers);
    }

    static Responder problem(int status, String slug, String title, String extra, String... headers) {
        String body = "{\"type\":\"urn:kiff:problem:" + slug + "\",\"title\":\"" + title + "\",\"status\":" + status
                + ",\"detail\":\"" + title + " detail\"" + (extra == null ? "" : "," + extra) + "}";
        return exchange -> send(exchange, status, "application/problem+json", body, headers);
    }

    static void send(HttpExchange exchange, int status, String type, String body, String... headers)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        for (int i = 0; i < headers.length; i += 2) {
            exchange.getResponseHeaders().set(headers[i], headers[i + 1]);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Sends {@code body}; when {@code cut}, it promises more than it sends, so the connection breaks mid-stream. */
    static Responder sse(String body, boolean cut) {
        return exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, cut ? bytes.length + 10_000 : 0);
            OutputStream out = exchange.getResponseBody();
            out.write(bytes);
            out.flush();
            closeQuietly(exchange);
        };
    }

    private static void closeQuietly(HttpExchange exchange) {
        try {
            exchange.close();
        } catch (RuntimeException e) {
            // the short fixed-length body refuses to close cleanly: the point is that the connection drops
        }
    }

    static JobResult job(UUID id, JobStatus status) {
        return new JobResult(1, id, "acme", VmType.CODE_EXEC, status, status == JobStatus.SUCCEEDED ? 0 : null,
                "hi\n", false, "", false, null, "worker-1", 1, null, List.of());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
