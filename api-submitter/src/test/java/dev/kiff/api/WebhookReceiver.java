package dev.kiff.api;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A webhook receiver on the loopback interface (127.0.0.1, a free port): answers each POST with the next scripted
 * status code (then the default one), and records every request's headers and raw body, for the test to verify.
 */
final class WebhookReceiver implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One request as it arrived: headers (looked up case-insensitively) and the body's exact bytes. */
    record Received(String method, String path, Headers headers, byte[] body, Instant at, int answered) {

        String header(String name) {
            return headers.getFirst(name);
        }

        JsonNode json() {
            return JSON.readTree(new String(body, StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return method + " " + path + " " + header("Kiff-Event") + " -> " + answered;
        }
    }

    private final HttpServer server;
    private final Deque<Integer> script = new ConcurrentLinkedDeque<>();
    private final int otherwise;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private WebhookReceiver(int otherwise, Integer... first) {
        this.otherwise = otherwise;
        script.addAll(Arrays.asList(first));
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    /** Answers every request with {@code status}. */
    static WebhookReceiver answering(int status) {
        return new WebhookReceiver(status);
    }

    /** Answers the first requests with {@code first}, one each, then every later one with {@code then}. */
    static WebhookReceiver answering(List<Integer> first, int then) {
        return new WebhookReceiver(then, first.toArray(Integer[]::new));
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        Integer scripted = script.poll();
        int status = scripted != null ? scripted : otherwise;
        Headers headers = new Headers();
        headers.putAll(exchange.getRequestHeaders());
        received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, body,
                Instant.now(), status));
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    /** The URL to give as {@code callbackUrl}: this receiver on the loopback address. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/kiff";
    }

    int port() {
        return server.getAddress().getPort();
    }

    List<Received> received() {
        return new ArrayList<>(received);
    }

    List<Received> received(String event) {
        return received.stream().filter(r -> event.equals(r.header("Kiff-Event"))).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
