package dev.kiff.worker;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small real HTTP server on loopback standing in for a user's service (the ML service, the vector store): it
 * answers every request with a JSON echo of what it received and records each request for the test to inspect.
 * Below {@code /bulk/} it moves large bodies without holding them: {@code GET /bulk/<n>} answers n bytes (with a
 * Content-Length, or chunked with {@code ?chunked}), and any other method reads the body away and answers how many
 * bytes it had, adding them to {@link #bulkReceived()}.
 */
final class StandInService implements AutoCloseable {

    record Received(String method, String path, String query, Map<String, List<String>> headers, String body) {
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicLong bulkReceived = new AtomicLong();

    private StandInService(HttpServer server) {
        this.server = server;
    }

    static StandInService start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            StandInService service = new StandInService(server);
            server.createContext("/", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                service.received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestURI().getRawQuery(), Map.copyOf(exchange.getRequestHeaders()), body));
                byte[] answer = ("{\"path\":\"" + exchange.getRequestURI().getPath() + "\",\"echo\":"
                        + (body.isEmpty() ? "null" : body) + "}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            server.createContext("/bulk/", exchange -> {
                byte[] buffer = new byte[64 * 1024];
                if (exchange.getRequestMethod().equals("GET")) {
                    long size = Long.parseLong(exchange.getRequestURI().getPath().substring("/bulk/".length()));
                    boolean chunked = "chunked".equals(exchange.getRequestURI().getRawQuery());
                    exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
                    exchange.sendResponseHeaders(200, chunked ? 0 : size);
                    try (var out = exchange.getResponseBody()) {
                        for (long left = size; left > 0; left -= buffer.length) {
                            out.write(buffer, 0, (int) Math.min(buffer.length, left));
                        }
                    } catch (IOException e) {
                        // the gateway cut the answer off
                    }
                } else {
                    long total = 0;
                    try (var in = exchange.getRequestBody()) {
                        for (int n; (n = in.read(buffer)) >= 0; ) {
                            total += n;
                        }
                    } catch (IOException e) {
                        // the gateway stopped the upload
                    }
                    service.bulkReceived.addAndGet(total);
                    byte[] answer = ("{\"received\":" + total + "}").getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, answer.length);
                    exchange.getResponseBody().write(answer);
                }
                exchange.close();
            });
            server.start();
            return service;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Body bytes the {@code /bulk/} endpoints have read, from all uploads together. */
    long bulkReceived() {
        return bulkReceived.get();
    }

    List<Received> received() {
        return received;
    }

    List<Received> receivedWithPathPrefix(String prefix) {
        return received.stream().filter(r -> r.path().startsWith(prefix)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
