package dev.kiff.bench;

import dev.kiff.testkit.EmbeddedKafkaServer;
import dev.kiff.testkit.EmbeddedPostgresServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * End to end, as an agent sees it: HTTP submit of {@code print(1)} until its result is readable through the API
 * (long-poll), against the real platform started for the run: an embedded KRaft broker and PostgreSQL, the API and
 * one worker as their own processes (the jars `./kiff bench` built), all on loopback.
 */
final class EndToEndBench implements AutoCloseable {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");
    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([A-Z_]+)\"");
    private static final Pattern QUEUE_WAIT = Pattern.compile("\"queueWaitMs\"\\s*:\\s*(\\d+)");
    private static final Pattern RUN_TIME = Pattern.compile("\"runTimeMs\"\\s*:\\s*(\\d+)");
    /** Per job: the platform's own view of where the time went (submitted → started, started → finished). */
    final List<long[]> breakdown = new ArrayList<>();

    private final Path data;
    private final EmbeddedKafkaServer kafka;
    private final EmbeddedPostgresServer postgres;
    private final List<Process> apps = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final int apiPort;
    /** The key of the API's development tenant, which the bench acts as. */
    private static final String API_KEY = "kiff_bench_key";

    EndToEndBench(Path apiJar, Path workerJar, int warmSlots) throws IOException, InterruptedException {
        data = Files.createTempDirectory("kb-");
        kafka = EmbeddedKafkaServer.start(freePort(), data.resolve("kafka"));
        postgres = EmbeddedPostgresServer.start(freePort(), data.resolve("postgres"));
        apiPort = freePort();
        int workerPort = freePort();
        Map<String, String> env = Map.of(
                "KIFF_KAFKA_BOOTSTRAP", kafka.bootstrapServers(),
                "KIFF_DB_URL", postgres.jdbcUrl(),
                "KIFF_API_PORT", String.valueOf(apiPort),
                "KIFF_WORKER_PORT", String.valueOf(workerPort),
                "KIFF_WORKER_ID", "bench-e2e-worker",
                "KIFF_WORKER_VM_TYPES", "code-exec",
                "KIFF_WORKER_INITIAL_TARGET", String.valueOf(warmSlots),
                "KIFF_INPUT_DIRECTORY", data.resolve("inputs").toString(),
                "KIFF_GATEWAY_DIRECTORY", data.resolve("gateway").toString(),
                "KIFF_DEV_API_KEY", API_KEY);
        try {
            apps.add(start(apiJar, env, data.resolve("api.log")));
            awaitHealthy(apiPort);
            apps.add(start(workerJar, env, data.resolve("worker.log")));
            awaitHealthy(workerPort);
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Submit → result readable, in ms, for {@code jobs} jobs one after another, {@code pause} apart. */
    List<Double> latencies(int jobs, int warmUp, Duration pause) throws IOException, InterruptedException {
        List<Double> latencies = new ArrayList<>();
        for (int i = 0; i < warmUp + jobs; i++) {
            long begin = System.nanoTime();
            String id = submit();
            String status = awaitTerminal(id);
            double ms = (System.nanoTime() - begin) / 1e6;
            if (!"SUCCEEDED".equals(status)) {
                throw new IllegalStateException("job " + id + " ended " + status);
            }
            if (i >= warmUp) {
                latencies.add(ms);
            }
            TimeUnit.MILLISECONDS.sleep(pause.toMillis());
        }
        return latencies;
    }

    private String submit() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(api("/v1/jobs"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"vmType\":\"code-exec\",\"language\":\"python\",\"code\":\"print(1)\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        Matcher id = ID.matcher(response.body());
        if (response.statusCode() / 100 != 2 || !id.find()) {
            throw new IllegalStateException("submit answered " + response.statusCode() + ": " + response.body());
        }
        return id.group(1);
    }

    private String awaitTerminal(String id) throws IOException, InterruptedException {
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(api("/v1/jobs/" + id + "?wait=10s"))
                    .header("Authorization", "Bearer " + API_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
            Matcher status = STATUS.matcher(response.body());
            if (status.find() && !status.group(1).equals("QUEUED") && !status.group(1).equals("RUNNING")) {
                Matcher wait = QUEUE_WAIT.matcher(response.body());
                Matcher run = RUN_TIME.matcher(response.body());
                if (wait.find() && run.find()) {
                    breakdown.add(new long[] {Long.parseLong(wait.group(1)), Long.parseLong(run.group(1))});
                }
                return status.group(1);
            }
        }
        throw new IllegalStateException("job " + id + " did not end");
    }

    private URI api(String path) {
        return URI.create("http://localhost:" + apiPort + path);
    }

    private void awaitHealthy(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/actuator/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            for (Process app : apps) {
                if (!app.isAlive()) {
                    throw new IllegalStateException("an app died at start; see the logs in " + data);
                }
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        throw new IllegalStateException("port " + port + " did not become healthy; see the logs in " + data);
    }

    private static Process start(Path jar, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("java", "-Xmx512m", "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (int i = apps.size() - 1; i >= 0; i--) {
            Process app = apps.get(i);
            app.destroy();
            try {
                if (!app.waitFor(60, TimeUnit.SECONDS)) {
                    app.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        postgres.close();
        kafka.close();
    }
}
