package dev.kiff.worker.gateway;

import dev.kiff.core.gateway.Artifact;
import dev.kiff.core.gateway.GatewayCall;
import dev.kiff.core.gateway.GatewayQuota;
import dev.kiff.core.gateway.GatewaySession;
import dev.kiff.core.gateway.GatewayUsage;
import dev.kiff.model.job.Job;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job's gateway: its socket, its quotas, its artifacts. Bodies are streamed both ways through one buffer per
 * connection and counted against the job's quota as they cross; a job holds at most
 * {@code maxConnectionsPerJob} connections, and all jobs together at most the worker's {@code maxConnections}.
 */
final class UnixSocketGatewaySession implements GatewaySession {

    private static final Logger log = LoggerFactory.getLogger(UnixSocketGatewaySession.class);
    /** How long a connection beyond the job's limit waits for a slot before it is refused (see acquireSlot). */
    private static final Duration SLOT_GRACE = Duration.ofMillis(250);

    /** Headers that belong to one hop, and those java.net.http sets itself. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "transfer-encoding", "te",
            "trailer", "upgrade", "proxy-authorization", "proxy-authenticate", "proxy-connection", "host",
            "content-length", "expect");
    static final String KIFF = "_kiff";
    private static final List<Map.Entry<String, String>> JSON =
            List.of(Map.entry("Content-Type", "application/json"));

    /** An artifact, and the worker's artifact memory it holds. */
    private record Held(Artifact artifact, long reserved) {
    }

    private final Job job;
    private final List<String> allowed;
    private final GatewayProperties properties;
    private final UnixSocketSandboxGateway gateway;
    private final Path directory;
    private final ServerSocketChannel server;
    private final Semaphore connectionSlots;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final GatewayQuota quota;
    private final RefusalLog refusals;
    private final Map<String, Held> artifacts = new LinkedHashMap<>();
    private volatile boolean closed;

    private UnixSocketGatewaySession(Job job, List<String> allowed, UnixSocketSandboxGateway gateway, Path directory,
            ServerSocketChannel server) {
        this.job = job;
        this.allowed = allowed;
        this.properties = gateway.properties();
        this.gateway = gateway;
        this.directory = directory;
        this.server = server;
        this.connectionSlots = new Semaphore(properties.maxConnectionsPerJob());
        this.quota = new GatewayQuota(properties.maxRequests(), properties.maxBytes().toBytes(),
                properties.maxArtifacts(), properties.maxArtifactBytes().toBytes());
        this.refusals = new RefusalLog(gateway.clock(), properties.refusalLogInterval());
    }

    static UnixSocketGatewaySession open(Job job, Path directory, List<String> allowed,
            UnixSocketSandboxGateway gateway) {
        try {
            Path socket = directory.resolve(SOCKET_NAME);
            // A socket a killed job left behind would make the bind fail.
            Files.deleteIfExists(socket);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket), 64);
            // The sandbox user (uid 10001) must be able to connect; nobody else is in the sandbox.
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
            UnixSocketGatewaySession session = new UnixSocketGatewaySession(job, allowed, gateway, directory, server);
            Thread acceptor = new Thread(session::accept, "kiff-gateway-accept-" + job.id());
            acceptor.setDaemon(true);
            acceptor.start();
            return session;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the gateway of Job(id=" + job.id() + ")", e);
        }
    }

    @Override
    public Path directory() {
        return directory;
    }

    @Override
    public List<String> bindings() {
        return allowed.stream().filter(properties.bindings()::containsKey).toList();
    }

    @Override
    public synchronized List<Artifact> artifacts() {
        return artifacts.values().stream().map(Held::artifact).toList();
    }

    @Override
    public GatewayUsage usage() {
        return quota.usage();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            log.debug("Job(id={}) gateway socket close failed: {}", job.id(), e.toString());
        }
        for (SocketChannel channel : open) {
            closeQuietly(channel);
        }
        try {
            Files.deleteIfExists(directory.resolve(SOCKET_NAME));
        } catch (IOException e) {
            log.error("Job(id={}) gateway socket in {} could not be removed: {}", job.id(), directory, e.toString());
        }
        // The artifacts go with the outcome to be stored at once; the worker's memory is free for other jobs' now.
        synchronized (this) {
            gateway.releaseArtifactMemory(artifacts.values().stream().mapToLong(Held::reserved).sum());
        }
        long quiet = refusals.drain();
        if (quiet > 0) {
            log.warn("Job(id={}) gateway refused {} more calls that were not logged one by one", job.id(), quiet);
        }
    }

    private void accept() {
        while (!closed) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.error("Job(id={}) gateway stopped accepting: {}", job.id(), e.toString());
                }
                return;
            }
            if (!acquireSlot()) {
                refuseAtOnce(channel, 429, "the job holds " + properties.maxConnectionsPerJob()
                        + " gateway connections already", "connection-limit");
                continue;
            }
            if (!gateway.acquireConnection()) {
                connectionSlots.release();
                refuseAtOnce(channel, 503, "the worker's gateway serves its most connections; try again",
                        "worker-busy");
                continue;
            }
            open.add(channel);
            try {
                gateway.connections().execute(() -> serve(channel));
            } catch (RejectedExecutionException e) {
                release(channel);
            }
        }
    }

    /**
     * A slot of the job's connections. A client that sends its calls one after another connects again as soon as it
     * has read an answer, which may be before this side has closed that connection and freed its slot: a short wait
     * keeps such a client from being refused for connections it no longer holds.
     */
    private boolean acquireSlot() {
        try {
            return connectionSlots.tryAcquire(SLOT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Answers a connection from the accepting thread, without a thread or buffer of its own: one small write that
     * never waits (a fresh socket's buffer takes it), then closed. It counts as a call.
     */
    private void refuseAtOnce(SocketChannel channel, int status, String message, String outcome) {
        quota.call();
        try {
            channel.configureBlocking(false);
            byte[] body = error(message);
            channel.write(ByteBuffer.wrap(head(status, JSON, "Content-Length: " + body.length)));
            channel.write(ByteBuffer.wrap(body));
        } catch (IOException e) {
            // the job gave up on it already; it is counted all the same
        } finally {
            closeQuietly(channel);
        }
        refused(status, "-", "-", message);
        audit(KIFF, "-", "-", status, 0, 0, outcome, System.nanoTime());
    }

    private void serve(SocketChannel channel) {
        Exchange exchange = new Exchange(channel);
        // Channels have no read timeout: a deadline closes a connection whose exchange never completes.
        ScheduledFuture<?> deadline = gateway.deadlines().schedule(exchange::abort,
                properties.requestTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
        try (InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 8192);
                OutputStream out = Channels.newOutputStream(channel)) {
            handle(in, out, exchange);
        } catch (IOException e) {
            log.debug("Job(id={}) gateway connection ended: {}", job.id(), e.toString());
        } finally {
            deadline.cancel(false);
            exchange.abort();
            release(channel);
        }
    }

    private void release(SocketChannel channel) {
        open.remove(channel);
        closeQuietly(channel);
        connectionSlots.release();
        gateway.releaseConnection();
    }

    private void handle(InputStream in, OutputStream out, Exchange exchange) throws IOException {
        long started = System.nanoTime();
        GatewayRequest request;
        try {
            request = HttpRequestReader.readHead(in, (int) properties.maxHeaderBytes().toBytes(),
                    properties.maxHeaders());
        } catch (HttpRequestReader.BadRequest e) {
            quota.call();
            refuse(out, KIFF, "-", "-", e.status(), e.getMessage(), "bad-request", started);
            return;
        }
        GatewayRoute route = GatewayRoute.of(request.method(), request.path(), allowed,
                properties.bindings().keySet(), job.vmType().wireName());
        if (route instanceof GatewayRoute.StoreArtifact store) {
            storeArtifact(store.name(), request, in, out, started);
            return;
        }
        String binding = route instanceof GatewayRoute.Forward f ? f.binding() : ((GatewayRoute.Refuse) route).binding();
        if (!quota.call()) {
            refuse(out, binding, request.method(), request.path(), 429, "the job's gateway quota of "
                    + properties.maxRequests() + " requests is used up", "quota-exceeded", started);
            return;
        }
        if (route instanceof GatewayRoute.Refuse refuse) {
            refuse(out, binding, request.method(), request.path(), refuse.status(), refuse.message(),
                    refuse.outcome(), started);
            return;
        }
        if (request.contentLength() > quota.bytesLeft()) {
            refuse(out, binding, request.method(), request.path(), 413, "request body of " + request.contentLength()
                    + " bytes exceeds the " + quota.bytesLeft() + " bytes left in the job's gateway quota",
                    "quota-exceeded", started);
            return;
        }
        forward((GatewayRoute.Forward) route, request, in, out, exchange, started);
    }

    private void forward(GatewayRoute.Forward route, GatewayRequest request, InputStream in, OutputStream out,
            Exchange exchange, long started) throws IOException {
        GatewayProperties.Binding upstream = properties.bindings().get(route.binding());
        String base = upstream.url().toString().replaceAll("/+$", "");
        RequestBody body = new RequestBody(in, request, properties.maxHeaders(), quota::bytes);
        HttpRequest.BodyPublisher publisher;
        if (!request.hasBody()) {
            publisher = HttpRequest.BodyPublishers.noBody();
        } else if (request.contentLength() >= 0) {
            publisher = HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body),
                    request.contentLength());
        } else {
            publisher = HttpRequest.BodyPublishers.ofInputStream(() -> body);
        }
        String credentialHeader = upstream.credentialHeader().toLowerCase(Locale.ROOT);
        HttpResponse<InputStream> response;
        try {
            URI uri = URI.create(base + route.path() + (request.query() == null ? "" : "?" + request.query()));
            HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                    .timeout(properties.requestTimeout())
                    .method(request.method(), publisher);
            for (Map.Entry<String, String> header : request.headers()) {
                String name = header.getKey().toLowerCase(Locale.ROOT);
                // The sandbox may not choose the credential: its own is dropped, the configured one is added.
                if (!NOT_FORWARDED.contains(name) && !name.equals(credentialHeader)) {
                    builder.header(header.getKey(), header.getValue());
                }
            }
            if (upstream.credential() != null && !upstream.credential().isBlank()) {
                builder.header(upstream.credentialHeader(), upstream.credential());
            }
            // The answer's body stays with the upstream connection until it is copied, buffer by buffer.
            response = gateway.upstreams().send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            IOException fromSandbox = body.failure();
            if (fromSandbox instanceof RequestBody.QuotaExceeded) {
                refuse(out, route.binding(), request.method(), request.path(), 413, fromSandbox.getMessage(),
                        "quota-exceeded", body.bytesRead(), started);
            } else if (fromSandbox instanceof RequestBody.Malformed) {
                refuse(out, route.binding(), request.method(), request.path(), 400, fromSandbox.getMessage(),
                        "bad-request", body.bytesRead(), started);
            } else if (fromSandbox != null) {
                audit(route.binding(), request.method(), request.path(), 499, body.bytesRead(), 0, "client-gone",
                        started);
            } else if (e instanceof HttpTimeoutException) {
                reply(out, route.binding(), request, 504, "binding '" + route.binding() + "' did not answer within "
                        + properties.requestTimeout(), "upstream-timeout", body.bytesRead(), started);
            } else {
                reply(out, route.binding(), request, 502, "binding '" + route.binding() + "' is unreachable",
                        "upstream-error", body.bytesRead(), started);
            }
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (IllegalArgumentException e) {
            refuse(out, route.binding(), request.method(), request.path(), 400,
                    "request not forwardable: " + e.getMessage(), "bad-request", body.bytesRead(), started);
            return;
        }
        try (InputStream answer = response.body()) {
            exchange.upstream(answer);
            relay(route.binding(), request, response, answer, credentialHeader, out, body.bytesRead(), started);
        }
    }

    /** Passes the upstream's answer back, its body streamed through one buffer and counted as it goes. */
    private void relay(String binding, GatewayRequest request, HttpResponse<InputStream> response,
            InputStream answer, String credentialHeader, OutputStream out, long requestBytes, long started)
            throws IOException {
        int status = response.statusCode();
        boolean bodyless = request.method().equals("HEAD") || status == 204 || status == 304 || status < 200;
        long length = response.headers().firstValueAsLong("content-length").orElse(-1);
        if (!bodyless && length > quota.bytesLeft()) {
            reply(out, binding, request, 429, "the answer of " + length + " bytes would pass the job's gateway quota"
                    + " (" + quota.bytesLeft() + " bytes left)", "quota-exceeded", requestBytes, started);
            return;
        }
        List<Map.Entry<String, String>> headers = forwardedHeaders(response.headers(), credentialHeader);
        if (headers == null) {
            reply(out, binding, request, 502, "binding '" + binding + "' answered more headers than the gateway passes",
                    "upstream-error", requestBytes, started);
            return;
        }
        boolean chunked = !bodyless && length < 0;
        String framing = chunked ? "Transfer-Encoding: chunked" : length >= 0 ? "Content-Length: " + length : null;
        String outcome = "forwarded";
        long sent = 0;
        try {
            out.write(head(status, headers, framing));
            if (!bodyless) {
                byte[] buffer = new byte[(int) properties.bufferSize().toBytes()];
                while (true) {
                    int n;
                    try {
                        n = answer.read(buffer);
                    } catch (IOException e) {
                        outcome = "upstream-error";
                        break;
                    }
                    if (n < 0) {
                        break;
                    }
                    if (!quota.bytes(n)) {
                        // What was sent stands; the rest is cut off, and the framing tells the job it is incomplete.
                        outcome = "quota-exceeded";
                        break;
                    }
                    if (chunked) {
                        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        out.write(buffer, 0, n);
                        out.write('\r');
                        out.write('\n');
                    } else {
                        out.write(buffer, 0, n);
                    }
                    sent += n;
                }
                if (outcome.equals("forwarded") && chunked) {
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
            }
            out.flush();
        } catch (IOException e) {
            outcome = "client-gone"; // the job closed its end; the call still counts
        }
        audit(binding, request.method(), request.path(), status, requestBytes, sent, outcome, started);
    }

    /** The upstream's headers that go back to the sandbox; null when they pass the gateway's header limits. */
    private List<Map.Entry<String, String>> forwardedHeaders(HttpHeaders upstream, String credentialHeader) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        long size = 0;
        for (Map.Entry<String, List<String>> entry : upstream.map().entrySet()) {
            String lower = entry.getKey().toLowerCase(Locale.ROOT);
            if (NOT_FORWARDED.contains(lower) || lower.equals(credentialHeader) || lower.equals(":status")) {
                continue;
            }
            for (String value : entry.getValue()) {
                headers.add(Map.entry(entry.getKey(), value));
                size += entry.getKey().length() + value.length() + 4;
            }
        }
        return headers.size() > properties.maxHeaders() || size > properties.maxHeaderBytes().toBytes() ? null
                : headers;
    }

    /**
     * Takes one artifact: its Content-Length is checked against the job's artifact quota and the worker's artifact
     * memory before a byte is read, and the body is read into a buffer of exactly that size, counted as it comes.
     * A chunked upload has no size to check first, so it is refused (411); the runner always sends a length.
     */
    private void storeArtifact(String name, GatewayRequest request, InputStream in, OutputStream out, long started)
            throws IOException {
        String path = request.path();
        if (!quota.artifact()) {
            refuse(out, KIFF, "PUT", path, 413, "artifact caps exceeded: at most " + properties.maxArtifacts()
                    + " files", "quota-exceeded", started);
            return;
        }
        if (request.chunked() || request.contentLength() < 0) {
            refuse(out, KIFF, "PUT", path, 411, "an artifact needs a Content-Length", "bad-request", started);
            return;
        }
        long length = request.contentLength();
        if (length > quota.artifactBytesLeft()) {
            refuse(out, KIFF, "PUT", path, 413, "artifact caps exceeded: " + length + " bytes, "
                    + quota.artifactBytesLeft() + " left of " + properties.maxArtifactBytes() + " in all",
                    "quota-exceeded", started);
            return;
        }
        if (!gateway.reserveArtifactMemory(length)) {
            refuse(out, KIFF, "PUT", path, 503, "the worker holds its most artifact bytes; try again",
                    "worker-busy", started);
            return;
        }
        boolean kept = false;
        RequestBody body = new RequestBody(in, request, properties.maxHeaders(), quota::artifactBytes);
        try {
            byte[] content = body.readNBytes((int) length);
            if (content.length != length) {
                refuse(out, KIFF, "PUT", path, 400, "body shorter than its Content-Length", "bad-request",
                        content.length, started);
                return;
            }
            synchronized (this) {
                if (!closed) {
                    Held previous = artifacts.remove(name);
                    if (previous != null) {
                        gateway.releaseArtifactMemory(previous.reserved());
                    }
                    artifacts.put(name, new Held(new Artifact(name, content), length));
                    kept = true;
                }
            }
            if (!kept) {
                refuse(out, KIFF, "PUT", path, 503, "the job has ended", "bad-request", length, started);
                return;
            }
            out.write(head(201, List.of(), "Content-Length: 0"));
            out.flush();
            audit(KIFF, "PUT", path, 201, length, 0, "stored", started);
        } catch (RequestBody.QuotaExceeded e) {
            refuse(out, KIFF, "PUT", path, 413, e.getMessage(), "quota-exceeded", body.bytesRead(), started);
        } catch (RequestBody.Malformed e) {
            refuse(out, KIFF, "PUT", path, 400, e.getMessage(), "bad-request", body.bytesRead(), started);
        } finally {
            if (!kept) {
                gateway.releaseArtifactMemory(length);
            }
        }
    }

    /** Answers a refusal, logs it (rate-limited) and audits it. */
    private void refuse(OutputStream out, String binding, String method, String path, int status, String message,
            String outcome, long started) throws IOException {
        refuse(out, binding, method, path, status, message, outcome, 0, started);
    }

    private void refuse(OutputStream out, String binding, String method, String path, int status, String message,
            String outcome, long requestBytes, long started) throws IOException {
        refused(status, method, path, message);
        try {
            byte[] body = error(message);
            out.write(head(status, JSON, "Content-Length: " + body.length));
            out.write(body);
            out.flush();
        } finally {
            audit(binding, method, path, status, requestBytes, 0, outcome, started);
        }
    }

    /** Answers an upstream failure: a server error, logged as such, not a refusal of the job's. */
    private void reply(OutputStream out, String binding, GatewayRequest request, int status, String message,
            String outcome, long requestBytes, long started) throws IOException {
        try {
            byte[] body = error(message);
            out.write(head(status, JSON, "Content-Length: " + body.length));
            out.write(body);
            out.flush();
        } finally {
            audit(binding, request.method(), request.path(), status, requestBytes, 0, outcome, started);
        }
    }

    private void refused(int status, String method, String path, String message) {
        long quiet = refusals.admit();
        if (quiet == 0) {
            log.warn("Job(id={}) gateway refused {} {} with {}: {}", job.id(), method, path, status, message);
        } else if (quiet > 0) {
            log.warn("Job(id={}) gateway refused {} {} with {}: {} ({} more refused since the last such line)",
                    job.id(), method, path, status, message, quiet);
        }
    }

    private void audit(String binding, String method, String path, int status, long requestBytes,
            long responseBytes, String outcome, long started) {
        long durationMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
        // Queued, not written: the batching audit log never makes the job's call wait for the database.
        gateway.audit().record(new GatewayCall(job.id(), binding, method, path, status, requestBytes, responseBytes,
                durationMs, outcome, gateway.clock().instant()));
    }

    private static byte[] head(int status, List<Map.Entry<String, String>> headers, String framing) {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status))
                .append("\r\n");
        for (Map.Entry<String, String> header : headers) {
            head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
        }
        if (framing != null) {
            head.append(framing).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        return head.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] error(String message) {
        return ("{\"error\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Status";
        };
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing is best effort; the channel is unusable either way
        }
    }

    /** One connection's exchange: what its deadline must close so that no thread waits on it past its time. */
    private static final class Exchange {

        private final SocketChannel channel;
        private volatile InputStream upstream;

        Exchange(SocketChannel channel) {
            this.channel = channel;
        }

        void upstream(InputStream answer) {
            this.upstream = answer;
        }

        void abort() {
            closeQuietly(channel);
            InputStream answer = upstream;
            if (answer != null) {
                try {
                    answer.close();
                } catch (IOException e) {
                    // the upstream connection is discarded either way
                }
            }
        }
    }
}
