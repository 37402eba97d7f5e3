package dev.kiff.worker.gateway;

import dev.kiff.core.gateway.Artifact;
import dev.kiff.core.gateway.GatewayAuditLog;
import dev.kiff.core.gateway.GatewayCall;
import dev.kiff.core.gateway.GatewaySession;
import dev.kiff.core.gateway.GatewayUsage;
import dev.kiff.core.job.Job;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One job's gateway: its socket, its quotas, its artifacts. */
final class UnixSocketGatewaySession implements GatewaySession {

    private static final Logger log = LoggerFactory.getLogger(UnixSocketGatewaySession.class);

    /** Headers that belong to one hop, and those java.net.http sets itself. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "transfer-encoding", "te",
            "trailer", "upgrade", "proxy-authorization", "proxy-authenticate", "proxy-connection", "host",
            "content-length", "expect");

    private final Job job;
    private final List<String> allowed;
    private final GatewayProperties properties;
    private final HttpClient upstreams;
    private final ExecutorService connections;
    private final ScheduledExecutorService deadlines;
    private final GatewayAuditLog audit;
    private final Clock clock;
    private final Path directory;
    private final ServerSocketChannel server;
    private final Semaphore connectionSlots;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private final List<Artifact> artifacts = new ArrayList<>();
    private long artifactBytes;
    private volatile boolean closed;

    private UnixSocketGatewaySession(Job job, List<String> allowed, GatewayProperties properties, HttpClient upstreams,
            ExecutorService connections, ScheduledExecutorService deadlines, GatewayAuditLog audit, Clock clock,
            Path directory, ServerSocketChannel server) {
        this.job = job;
        this.allowed = allowed;
        this.properties = properties;
        this.upstreams = upstreams;
        this.connections = connections;
        this.deadlines = deadlines;
        this.audit = audit;
        this.clock = clock;
        this.directory = directory;
        this.server = server;
        this.connectionSlots = new Semaphore(properties.maxConnectionsPerJob());
    }

    static UnixSocketGatewaySession open(Job job, Path directory, List<String> allowed,
            GatewayProperties properties, HttpClient upstreams, ExecutorService connections,
            ScheduledExecutorService deadlines, GatewayAuditLog audit, Clock clock) {
        try {
            Path socket = directory.resolve(SOCKET_NAME);
            // A socket a killed job left behind would make the bind fail.
            Files.deleteIfExists(socket);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket), 64);
            // The sandbox user (uid 10001) must be able to connect; nobody else is in the sandbox.
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
            UnixSocketGatewaySession session = new UnixSocketGatewaySession(job, allowed, properties, upstreams,
                    connections, deadlines, audit, clock, directory, server);
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
        return List.copyOf(artifacts);
    }

    @Override
    public GatewayUsage usage() {
        return new GatewayUsage(requests.get(), bytes.get());
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
            if (!connectionSlots.tryAcquire()) {
                log.debug("Job(id={}) holds {} gateway connections already; refusing another", job.id(),
                        properties.maxConnectionsPerJob());
                closeQuietly(channel);
                continue;
            }
            open.add(channel);
            try {
                connections.execute(() -> serve(channel));
            } catch (RejectedExecutionException e) {
                release(channel);
            }
        }
    }

    private void serve(SocketChannel channel) {
        // Channels have no read timeout: a deadline closes a connection whose request never completes.
        ScheduledFuture<?> deadline = deadlines.schedule(() -> closeQuietly(channel),
                properties.requestTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
        try (InputStream in = Channels.newInputStream(channel); OutputStream out = Channels.newOutputStream(channel)) {
            handle(in, out);
        } catch (IOException e) {
            log.debug("Job(id={}) gateway connection ended: {}", job.id(), e.toString());
        } finally {
            deadline.cancel(false);
            release(channel);
        }
    }

    private void release(SocketChannel channel) {
        open.remove(channel);
        closeQuietly(channel);
        connectionSlots.release();
    }

    private void handle(InputStream in, OutputStream out) throws IOException {
        long started = System.nanoTime();
        GatewayRequest request;
        try {
            request = HttpRequestReader.read(in, Math.max(0, properties.maxArtifactBytes().toBytes()
                    + properties.maxBytes().toBytes() - bytes.get()));
        } catch (HttpRequestReader.BadRequest e) {
            respond(out, e.status(), error(e.getMessage()), List.of());
            return;
        }
        GatewayRoute route = GatewayRoute.of(request.method(), request.path(), allowed,
                properties.bindings().keySet(), job.vmType().wireName());
        if (route instanceof GatewayRoute.StoreArtifact store) {
            storeArtifact(store.name(), request.body(), out);
            return;
        }
        String binding = route instanceof GatewayRoute.Forward f ? f.binding() : ((GatewayRoute.Refuse) route).binding();
        int count = requests.incrementAndGet();
        long requestBytes = request.body().length;
        if (route instanceof GatewayRoute.Refuse refuse) {
            log.warn("Job(id={}) gateway refused {} {}: {}", job.id(), request.method(), request.path(),
                    refuse.message());
            finish(out, request, binding, refuse.status(), error(refuse.message()), List.of(), refuse.outcome(),
                    started);
            return;
        }
        if (count > properties.maxRequests() || bytes.addAndGet(requestBytes) > properties.maxBytes().toBytes()) {
            finish(out, request, binding, 429, error("the job's gateway quota of " + properties.maxRequests()
                    + " requests and " + properties.maxBytes() + " is used up"), List.of(), "quota-exceeded", started);
            return;
        }
        forward((GatewayRoute.Forward) route, request, out, started);
    }

    private void forward(GatewayRoute.Forward route, GatewayRequest request, OutputStream out, long started)
            throws IOException {
        GatewayProperties.Binding upstream = properties.bindings().get(route.binding());
        String base = upstream.url().toString().replaceAll("/+$", "");
        URI uri = URI.create(base + route.path() + (request.query() == null ? "" : "?" + request.query()));
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(properties.requestTimeout())
                .method(request.method(), request.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        String credentialHeader = upstream.credentialHeader().toLowerCase(Locale.ROOT);
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
        HttpResponse<byte[]> response;
        try {
            response = upstreams.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            finish(out, request, route.binding(), 504, error("binding '" + route.binding() + "' did not answer within "
                    + properties.requestTimeout()), List.of(), "upstream-timeout", started);
            return;
        } catch (IOException e) {
            finish(out, request, route.binding(), 502, error("binding '" + route.binding() + "' is unreachable"),
                    List.of(), "upstream-error", started);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (IllegalArgumentException e) {
            finish(out, request, route.binding(), 400, error("request not forwardable: " + e.getMessage()), List.of(),
                    "bad-request", started);
            return;
        }
        byte[] body = response.body();
        if (bytes.addAndGet(body.length) > properties.maxBytes().toBytes()) {
            finish(out, request, route.binding(), 429, error("the answer would pass the job's gateway quota of "
                    + properties.maxBytes()), List.of(), "quota-exceeded", started);
            return;
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        response.headers().map().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!NOT_FORWARDED.contains(lower) && !lower.equals(credentialHeader) && !lower.equals(":status")) {
                values.forEach(value -> headers.add(Map.entry(name, value)));
            }
        });
        finish(out, request, route.binding(), response.statusCode(), body, headers, "forwarded", started);
    }

    private void storeArtifact(String name, byte[] content, OutputStream out) throws IOException {
        int status;
        String message;
        synchronized (this) {
            if (artifacts.size() >= properties.maxArtifacts()
                    || artifactBytes + content.length > properties.maxArtifactBytes().toBytes()) {
                status = 413;
                message = "artifact caps exceeded: at most " + properties.maxArtifacts() + " files and "
                        + properties.maxArtifactBytes() + " in all";
            } else {
                artifacts.removeIf(a -> a.name().equals(name));
                artifacts.add(new Artifact(name, content));
                artifactBytes += content.length;
                status = 201;
                message = null;
            }
        }
        respond(out, status, message == null ? new byte[0] : error(message), List.of());
    }

    private void finish(OutputStream out, GatewayRequest request, String binding, int status, byte[] body,
            List<Map.Entry<String, String>> headers, String outcome, long started) throws IOException {
        respond(out, status, body, headers);
        long durationMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
        try {
            audit.record(new GatewayCall(job.id(), binding, request.method(), request.path(), status,
                    request.body().length, body.length, durationMs, outcome, Instant.now(clock)));
        } catch (RuntimeException e) {
            log.error("Job(id={}) gateway call could not be audited: {}", job.id(), e.toString());
        }
    }

    private static void respond(OutputStream out, int status, byte[] body, List<Map.Entry<String, String>> headers)
            throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status))
                .append("\r\n");
        boolean typed = false;
        for (Map.Entry<String, String> header : headers) {
            typed |= header.getKey().equalsIgnoreCase("content-type");
            head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
        }
        if (!typed && body.length > 0) {
            head.append("Content-Type: application/json\r\n");
        }
        head.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
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
}
