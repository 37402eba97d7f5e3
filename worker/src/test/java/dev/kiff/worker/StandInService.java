package dev.kiff.worker;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small real HTTP server on loopback standing in for a user's service (the ML service, the vector store): it
 * answers every request with a JSON echo of what it received and records each request for the test to inspect.
 */
final class StandInService implements AutoCloseable {

    record Received(String method, String path, String query, Map<String, List<String>> headers, String body) {
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();

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
            server.start();
            return service;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
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
