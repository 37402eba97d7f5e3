package dev.kiff.api;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A scheduler's read endpoints on loopback ({@code /v1/pools}, {@code /v1/lag}, {@code /v1/scheduler/decisions})
 * answering fixed JSON in the scheduler's shape: what the console's Platform page reads, without a fleet.
 */
final class StandInScheduler {

    static final Map<String, String> ANSWERS = Map.of(
            "/v1/pools", """
                    {"instance":"scheduler-1","leading":true,"targets":{"code-exec":3,"data-processing":1},
                     "workers":[{"v":1,"workerId":"worker-a","at":"2026-11-29T22:00:00Z","capacity":8,
                       "pools":[{"vmType":"code-exec","warm":2,"busy":1,"starting":0,"target":3}]},
                      {"v":1,"workerId":"worker-b","at":"2026-11-29T22:00:01Z","capacity":8,
                       "pools":[{"vmType":"data-processing","warm":1,"busy":0,"starting":0,"target":1}]}]}""",
            "/v1/lag", """
                    {"at":"2026-11-29T22:00:00Z","lag":{"code-exec":17,"data-processing":0}}""",
            "/v1/scheduler/decisions", """
                    {"instance":"scheduler-1","leading":true,"decisions":[{"at":"2026-11-29T22:00:00Z",
                     "vmType":"code-exec","signals":{"lag":17,"busy":1},"decision":{"target":3,
                     "reason":"lag 17 over 5 jobs per warm sandbox: scale up"},"perWorker":{"worker-a":3},
                     "leader":"scheduler-1"}]}""");

    private static HttpServer server;

    private StandInScheduler() {
    }

    /** The base URL of the one stand-in, started on first use. */
    static synchronized URI url() {
        if (server == null) {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.createContext("/", exchange -> {
                String answer = ANSWERS.get(exchange.getRequestURI().getPath());
                byte[] body = (answer == null ? "{}" : answer).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(answer == null ? 404 : 200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
        }
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
    }
}
