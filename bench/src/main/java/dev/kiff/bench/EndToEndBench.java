package dev.kiff.bench;

import dev.kiff.testkit.EmbeddedKafkaServer;
import dev.kiff.testkit.EmbeddedPostgresServer;
import dev.kiff.testkit.SharedInfrastructure;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * End to end, as an agent sees it: HTTP submit of {@code print(1)} until its result is readable through the API
 * (long-poll), against the real platform started for the run: an embedded KRaft broker and PostgreSQL, the API and
 * one worker as their own processes (the jars `./kiff bench` built), all on loopback.
 *
 * <p>Besides one job at a time ({@link #latencies}): a closed loop of N clients ({@link #closedLoop}), a corpus as one
 * batch ({@link #batch}), and the worker restarted under another catalogue ({@link #restartWorker}), so both isolation
 * modes are measured against the same broker, database and API.
 */
final class EndToEndBench implements AutoCloseable {

    /** Per job: the platform's own view of where the time went (submitted → started, started → finished). */
    final List<long[]> breakdown = new ArrayList<>();

    private final Path data;
    private final EmbeddedKafkaServer kafka;
    private final EmbeddedPostgresServer postgres;
    private final Map<String, String> env;
    private final Path workerJar;
    private Process api;
    private Process worker;
    private int workerStarts;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final JsonMapper json = JsonMapper.builder().build();
    private final int apiPort;
    private final int workerPort;
    /** The key of the API's development tenant, which the bench acts as. */
    static final String DEV_KEY = "kiff_bench_key";
    /** The admin key the API is started with, so the bench can make a tenant with quotas of its own. */
    private final String adminKey = "kiff_bench_admin_" + UUID.randomUUID();

    /**
     * @param warmSlots the worker's warm code-exec sandboxes ({@code KIFF_WORKER_INITIAL_TARGET}; no scheduler runs,
     *                  so they stay that many)
     * @param capacity  the worker's capacity ({@code KIFF_WORKER_CAPACITY})
     */
    EndToEndBench(Path apiJar, Path workerJar, int warmSlots, int capacity) throws IOException, InterruptedException {
        this.workerJar = workerJar;
        data = Files.createTempDirectory("kb-");
        kafka = EmbeddedKafkaServer.start(freePort(), data.resolve("kafka"));
        postgres = EmbeddedPostgresServer.start(freePort(), data.resolve("postgres"));
        apiPort = freePort();
        workerPort = freePort();
        Map<String, String> common = new HashMap<>();
        common.put("KIFF_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        common.put("KIFF_DB_URL", postgres.jdbcUrl());
        // The platform key the API and the worker sign their records with and check each other's by.
        common.put("KIFF_RECORD_KEY", SharedInfrastructure.RECORD_KEY);
        common.put("KIFF_API_PORT", String.valueOf(apiPort));
        common.put("KIFF_WORKER_PORT", String.valueOf(workerPort));
        common.put("KIFF_WORKER_ID", "bench-e2e-worker");
        common.put("KIFF_WORKER_VM_TYPES", "code-exec");
        common.put("KIFF_WORKER_INITIAL_TARGET", String.valueOf(warmSlots));
        common.put("KIFF_WORKER_CAPACITY", String.valueOf(capacity));
        common.put("KIFF_INPUT_DIRECTORY", data.resolve("inputs").toString());
        common.put("KIFF_GATEWAY_DIRECTORY", data.resolve("gateway").toString());
        common.put("KIFF_DEV_API_KEY", DEV_KEY);
        common.put("KIFF_ADMIN_KEY", adminKey);
        env = Map.copyOf(common);
        try {
            // Both at once: each takes ~15 s to start on two cores, and neither needs the other to start (both run
            // the migrations, under Flyway's lock).
            api = start(apiJar, env, data.resolve("api.log"));
            startWorker(Map.of());
            awaitHealthy(apiPort);
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Where the apps' logs are. */
    Path logs() {
        return data;
    }

    /**
     * Stops the worker (it drains and removes its sandboxes) and starts it again with {@code extraEnv} on top, e.g.
     * {@code KIFF_CATALOGUE}: the broker, database and API stay.
     */
    void restartWorker(Map<String, String> extraEnv) throws IOException, InterruptedException {
        stop(worker);
        worker = null;
        startWorker(extraEnv);
    }

    private void startWorker(Map<String, String> extraEnv) throws IOException, InterruptedException {
        Map<String, String> all = new HashMap<>(env);
        all.putAll(extraEnv);
        workerStarts++;
        worker = start(workerJar, all, data.resolve("worker-" + workerStarts + ".log"));
        awaitHealthy(workerPort);
    }

    /**
     * A tenant made through the admin API with these quotas; returns its API key. The development tenant has the
     * default quotas (50 submissions a second), which a closed loop of 16 clients on a fast path could reach.
     */
    String createTenant(String name, int maxConcurrentJobs, int submissionsPerSecond, int maxBatchSize)
            throws IOException, InterruptedException {
        Map<String, Object> body = Map.of("name", name, "quotas", Map.of("maxConcurrentJobs", maxConcurrentJobs,
                "submissionsPerSecond", submissionsPerSecond, "maxBatchSize", maxBatchSize));
        return post(adminKey, "/v1/admin/tenants", body).path("apiKey").asString();
    }

    /** Submit → result readable, in ms, for {@code jobs} jobs one after another, {@code pause} apart. */
    List<Double> latencies(int jobs, int warmUp, Duration pause) throws IOException, InterruptedException {
        List<Double> latencies = new ArrayList<>();
        for (int i = 0; i < warmUp + jobs; i++) {
            long begin = System.nanoTime();
            String id = submit(DEV_KEY, "print(1)");
            JsonNode result = awaitTerminal(DEV_KEY, id);
            double ms = (System.nanoTime() - begin) / 1e6;
            String status = result.path("status").asString();
            if (!"SUCCEEDED".equals(status)) {
                throw new IllegalStateException("job " + id + " ended " + status + ": " + result.path("message"));
            }
            if (i >= warmUp) {
                latencies.add(ms);
                JsonNode timings = result.path("timings");
                if (timings.path("queueWaitMs").isNumber() && timings.path("runTimeMs").isNumber()) {
                    breakdown.add(new long[] {timings.path("queueWaitMs").asLong(),
                            timings.path("runTimeMs").asLong()});
                }
            }
            TimeUnit.MILLISECONDS.sleep(pause.toMillis());
        }
        return latencies;
    }

    /**
     * What a closed loop measured: jobs that ended SUCCEEDED with the right output (their latencies), and those that
     * did not (an HTTP error, a 429, another status or output), with the first such failure.
     */
    record Load(int clients, int jobs, int errors, double seconds, double jobsPerSecond, double p50Ms, double p99Ms,
            String firstError) {
    }

    /**
     * {@code clients} threads, each submitting {@code print(1)} and long-polling its result, then the next, until
     * {@code duration} has passed (a job under way then is finished and counted). Latency is submit → result in hand;
     * jobs/s is the jobs that succeeded over the time until the last client stopped.
     */
    Load closedLoop(String key, int clients, Duration duration) throws InterruptedException {
        return loop(clients, duration, client -> {
            String id = submit(key, "print(1)");
            JsonNode result = awaitTerminal(key, id);
            return "SUCCEEDED".equals(result.path("status").asString())
                    && "1\n".equals(result.path("stdout").asString()) ? null
                    : "job " + id + " ended " + result.path("status").asString() + ": "
                            + result.path("message").asString("") + " stdout=" + result.path("stdout");
        });
    }

    /** One request of a closed-loop client: null when it succeeded, else what went wrong. */
    private interface Attempt {
        String run(int client) throws IOException, InterruptedException;
    }

    /**
     * {@code clients} threads, each making its attempt and then the next, until {@code duration} has passed (an
     * attempt under way then is finished and counted). Latency is the attempt's; the rate is the attempts that
     * succeeded over the time until the last client stopped.
     */
    private Load loop(int clients, Duration duration, Attempt attempt) throws InterruptedException {
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger errors = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        long begin = System.nanoTime();
        long deadline = begin + duration.toNanos();
        for (int c = 0; c < clients; c++) {
            int client = c;
            threads.execute(() -> {
                while (System.nanoTime() < deadline) {
                    long start = System.nanoTime();
                    try {
                        String error = attempt.run(client);
                        if (error == null) {
                            latencies.add((System.nanoTime() - start) / 1e6);
                        } else {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, error);
                        }
                    } catch (IOException | RuntimeException e) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, e.toString());
                        pause(100); // an error answered at once must not spin the loop
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            });
        }
        threads.shutdown();
        if (!threads.awaitTermination(duration.toSeconds() + 120, TimeUnit.SECONDS)) {
            threads.shutdownNow();
            throw new IllegalStateException("a closed-loop client did not stop");
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        if (latencies.isEmpty()) {
            throw new IllegalStateException("nothing of the closed loop of " + clients + " succeeded; first error: "
                    + firstError.get() + "; logs in " + data);
        }
        return new Load(clients, latencies.size(), errors.get(), seconds, latencies.size() / seconds,
                Bench.percentile(latencies, 50), Bench.percentile(latencies, 99), firstError.get());
    }

    /** A batch's results in submission order, and the time from its submission to the last result in hand. */
    record BatchRun(String id, List<JsonNode> results, double seconds) {
    }

    /**
     * Submits the Python programs as one batch ({@code POST /v1/batches} with {@code jobs}), waits until it is
     * COMPLETED ({@code GET /v1/batches/{id}} every 50 ms) and reads every job's result
     * ({@code GET /v1/batches/{id}/jobs}, paged).
     */
    BatchRun batch(String key, List<String> programs, Duration timeout) throws IOException, InterruptedException {
        List<Map<String, Object>> jobs = new ArrayList<>();
        for (String code : programs) {
            Map<String, Object> job = new LinkedHashMap<>();
            job.put("vmType", "code-exec");
            job.put("language", "python");
            job.put("code", code);
            jobs.add(job);
        }
        long begin = System.nanoTime();
        String id = post(key, "/v1/batches", Map.of("jobs", jobs)).path("id").asString();
        long deadline = begin + timeout.toNanos();
        while (true) {
            JsonNode progress = json.readTree(get(key, "/v1/batches/" + id));
            if ("COMPLETED".equals(progress.path("status").asString())) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("batch " + id + " did not complete within " + timeout + ": "
                        + progress + "; logs in " + data);
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        List<JsonNode> results = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = json.readTree(get(key, "/v1/batches/" + id + "/jobs?limit=1000"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8))));
            page.path("items").forEach(results::add);
            cursor = page.path("nextCursor").isString() ? page.path("nextCursor").asString() : null;
        } while (cursor != null);
        double seconds = (System.nanoTime() - begin) / 1e9;
        if (results.size() != programs.size()) {
            throw new IllegalStateException("batch " + id + " listed " + results.size() + " results for "
                    + programs.size() + " jobs");
        }
        return new BatchRun(id, results, seconds);
    }

    /**
     * Session creates from the warm pool: {@code POST /v1/sessions?wait=10s} → READY in hand, in ms, each followed by
     * a DELETE and a second's pause, in which the pool refills behind the sandbox the session took (so each create
     * finds a warm sandbox, as an agent's usually does).
     */
    List<Double> sessionCreates(String key, int creates) throws IOException, InterruptedException {
        List<Double> latencies = new ArrayList<>();
        for (int i = 0; i < creates; i++) {
            long begin = System.nanoTime();
            JsonNode session = post(key, "/v1/sessions?wait=10s", Map.of("vmType", "code-exec"));
            double ms = (System.nanoTime() - begin) / 1e6;
            String id = session.path("id").asString();
            if (!"READY".equals(session.path("state").asString())) {
                throw new IllegalStateException("session " + id + " answered " + session + "; logs in " + data);
            }
            latencies.add(ms);
            delete(key, "/v1/sessions/" + id);
            TimeUnit.SECONDS.sleep(1);
        }
        return latencies;
    }

    /**
     * {@code x += 1} in one live session, one run after another: request → result in hand, in ms. A last run of
     * {@code x} must show the count, or the session did not keep its state and the figures mean nothing.
     */
    List<Double> sessionRuns(String key, int runs, int warmUp) throws IOException, InterruptedException {
        String id = openSession(key);
        try {
            runInSession(key, id, "x = 0");
            List<Double> latencies = new ArrayList<>();
            for (int i = 0; i < warmUp + runs; i++) {
                long begin = System.nanoTime();
                runInSession(key, id, "x += 1");
                if (i >= warmUp) {
                    latencies.add((System.nanoTime() - begin) / 1e6);
                }
            }
            String shown = runInSession(key, id, "x").path("display").path(0).path("text").asString();
            if (!String.valueOf(warmUp + runs).equals(shown)) {
                throw new IllegalStateException("session " + id + " shows x = " + shown + " after "
                        + (warmUp + runs) + " runs of x += 1");
            }
            return latencies;
        } finally {
            delete(key, "/v1/sessions/" + id);
        }
    }

    /**
     * {@code clients} agents, each with a session of its own, each running {@code x += 1} and waiting for its result,
     * then the next, for {@code duration}: what a worker's sessions deliver under sustained use.
     */
    Load sessionClosedLoop(String key, int clients, Duration duration) throws IOException, InterruptedException {
        List<String> sessions = new ArrayList<>();
        try {
            for (int c = 0; c < clients; c++) {
                sessions.add(openSession(key));
            }
            return loop(clients, duration, client -> {
                runInSession(key, sessions.get(client), "x = globals().get('x', 0) + 1");
                return null;
            });
        } finally {
            for (String session : sessions) {
                delete(key, "/v1/sessions/" + session);
            }
        }
    }

    private String openSession(String key) throws IOException, InterruptedException {
        JsonNode session = post(key, "/v1/sessions?wait=30s", Map.of("vmType", "code-exec"));
        if (!"READY".equals(session.path("state").asString())) {
            throw new IllegalStateException("session answered " + session + "; logs in " + data);
        }
        return session.path("id").asString();
    }

    /** One run in the session, which must succeed within the request's wait. */
    private JsonNode runInSession(String key, String session, String code) throws IOException, InterruptedException {
        JsonNode result = post(key, "/v1/sessions/" + session + "/runs?wait=10s",
                Map.of("language", "python", "code", code));
        if (!"SUCCEEDED".equals(result.path("status").asString())) {
            throw new IllegalStateException("run " + result.path("id").asString() + " of session " + session
                    + " ended " + result.path("status").asString() + ": " + result.path("message").asString("")
                    + " stderr=" + result.path("stderr").asString(""));
        }
        return result;
    }

    private void delete(String key, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(api(path))
                .header("Authorization", "Bearer " + key).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("DELETE " + path + " answered " + response.statusCode() + ": "
                    + response.body());
        }
    }

    private String submit(String key, String code) throws IOException, InterruptedException {
        return post(key, "/v1/jobs", Map.of("vmType", "code-exec", "language", "python", "code", code))
                .path("id").asString();
    }

    /** POSTs {@code body} as JSON with the key; the answer, which must be a success. */
    private JsonNode post(String key, String path, Object body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(api(path))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST " + path + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return json.readTree(response.body());
    }

    /** The job's result once it ended, long-polling {@code ?wait=30s}. */
    private JsonNode awaitTerminal(String key, String id) throws IOException, InterruptedException {
        for (int i = 0; i < 10; i++) {
            JsonNode result = json.readTree(get(key, "/v1/jobs/" + id + "?wait=30s"));
            String status = result.path("status").asString();
            if (!status.equals("QUEUED") && !status.equals("RUNNING")) {
                return result;
            }
        }
        throw new IllegalStateException("job " + id + " did not end within 5 minutes");
    }

    private String get(String key, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(api(path))
                .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return response.body();
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
            for (Process app : new Process[] {api, worker}) {
                if (app != null && !app.isAlive()) {
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

    private static void stop(Process app) {
        if (app == null) {
            return;
        }
        app.destroy();
        try {
            if (!app.waitFor(60, TimeUnit.SECONDS)) {
                app.destroyForcibly();
                app.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pause(long ms) {
        try {
            TimeUnit.MILLISECONDS.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        stop(worker);
        stop(api);
        if (postgres != null) {
            postgres.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }
}
