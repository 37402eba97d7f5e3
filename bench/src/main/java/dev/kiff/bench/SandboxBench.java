package dev.kiff.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Statistics;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.Language;
import dev.kiff.model.job.VmType;
import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.model.json.JobCodec;
import dev.kiff.model.control.PoolStatus;
import dev.kiff.core.pool.WarmPool;
import dev.kiff.core.sandbox.RunnerEnvelope;
import dev.kiff.core.sandbox.RunnerFrames;
import dev.kiff.core.sandbox.SandboxOutcome;
import dev.kiff.worker.docker.DockerClients;
import dev.kiff.worker.docker.DockerProperties;
import dev.kiff.worker.docker.DockerSandboxFactory;
import dev.kiff.worker.gateway.GatewayProperties;
import dev.kiff.worker.gateway.UnixSocketSandboxGateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.springframework.util.unit.DataSize;

/**
 * The sandbox figures, measured on the worker's own classes against the real Docker engine: job start latency in a
 * warm pool and in a cold {@code docker run} of the same image, container churn, single-use and reused pool
 * throughput, and the memory of an idle warm sandbox.
 *
 * <p>Start latency is "job taken → user code running": from the moment the pool is handed the job (or the moment
 * {@code docker run} is spawned) to the first statement of the code, which prints the wall clock in nanoseconds.
 * Both clocks are the host's.
 */
final class SandboxBench implements AutoCloseable {

    static final String IMAGE = "kiff/code-exec:latest";
    private static final String STAMP = "import time; print(time.time_ns())";

    private final Clock clock = Clock.systemUTC();
    private final JobCodec codec = new JobCodec();
    private final Path scratch;
    private final DockerClient control;
    private final DockerClient streams;
    private final DockerProperties docker;
    private final GatewayProperties gatewayProperties;
    private final ExecutorService starter = Executors.newFixedThreadPool(2);
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();

    SandboxBench() throws IOException {
        this("");
    }

    /** @param runtime the OCI runtime for every sandbox ({@code runsc} for gVisor), or empty for the catalogue's */
    SandboxBench(String runtime) throws IOException {
        scratch = Files.createTempDirectory("kb-");
        String host = "unix:///var/run/docker.sock";
        control = DockerClients.create(host, Duration.ofSeconds(30), Duration.ofSeconds(30), 64);
        streams = DockerClients.create(host, Duration.ofSeconds(30), null, 64);
        docker = new DockerProperties(host, Duration.ofSeconds(30), Duration.ofSeconds(2), runtime,
                DataSize.ofMegabytes(64), DataSize.ofMegabytes(16), 256, DataSize.ofMegabytes(32), 128,
                DataSize.ofMegabytes(64), DataSize.ofMegabytes(16), scratch.resolve("inputs"),
                Duration.ofSeconds(2), DataSize.ofMegabytes(16), Duration.ofHours(1), Duration.ofMinutes(1),
                Duration.ofSeconds(10));
        gatewayProperties = new GatewayProperties(scratch.resolve("gateway"), Duration.ofSeconds(30),
                Duration.ofSeconds(5), 100, DataSize.ofMegabytes(10), 8, 64, DataSize.ofMegabytes(16), 64,
                DataSize.ofKilobytes(16), 100, DataSize.ofKilobytes(64), DataSize.ofMegabytes(128), 10000, 500,
                Duration.ofSeconds(1), Duration.ofSeconds(30), Map.of());
    }

    /** A pool of code-exec sandboxes under the catalogue, held at {@code target}. */
    Pool pool(VmTypeCatalogue catalogue, int target) {
        UnixSocketSandboxGateway gateway = new UnixSocketSandboxGateway(gatewayProperties, catalogue, call -> { },
                clock);
        DockerSandboxFactory factory = new DockerSandboxFactory(control, streams, docker, catalogue, gateway,
                gatewayProperties.socketDirectory(), codec, clock, "bench-" + ProcessHandle.current().pid());
        // As the worker runs them: a used sandbox is replaced 100 ms after its job (kiff.worker.replace-after).
        WarmPool pool = new WarmPool(factory, catalogue, List.of(VmType.CODE_EXEC), target, target + 4, starter,
                later, Duration.ofMillis(100), clock);
        pool.tick();
        return new Pool(pool, gateway, catalogue);
    }

    /**
     * Job start latency (ms) and job taken → outcome in hand (ms), one job at a time, each handed to a sandbox that
     * was idle when the job came.
     */
    record WarmStarts(List<Double> starts, List<Double> runs) {
    }

    /**
     * Warm starts under the catalogue given: with {@code isolation: namespaces} the jobs (all of one tenant) share a
     * sandbox, each in namespaces of its own; with container isolation each gets a fresh container. {@code pause}
     * after each job lets the sandbox settle (a namespaces runner prepares the next job's namespaces after a job; a
     * single-use pool removes and replaces the used container), as between the jobs of an agent.
     */
    WarmStarts warmStarts(VmTypeCatalogue catalogue, int jobs, Duration pause) throws InterruptedException {
        List<Double> starts = new ArrayList<>();
        List<Double> runs = new ArrayList<>();
        try (Pool pool = pool(catalogue, 2)) {
            for (int i = 0; i < jobs + 3; i++) {
                awaitIdle(pool.pool);
                Instant taken = clock.instant();
                SandboxOutcome outcome = pool.pool.run(job(pool.catalogue, STAMP, "bench"));
                double ms = (stamp(outcome.stdout().text()) - nanos(taken)) / 1e6;
                double whole = (nanos(clock.instant()) - nanos(taken)) / 1e6;
                if (i >= 3) { // the first runs warm up the JIT of the worker's own path
                    starts.add(ms);
                    runs.add(whole);
                }
                TimeUnit.MILLISECONDS.sleep(pause.toMillis());
            }
        }
        return new WarmStarts(starts, runs);
    }

    /** Cold start latency (ms): {@code docker run} of the same image, runner fed the same job on stdin. */
    List<Double> coldStarts(int jobs) throws IOException, InterruptedException {
        List<Double> starts = new ArrayList<>();
        for (int i = 0; i < jobs + 1; i++) {
            Instant spawned = clock.instant();
            byte[] out = dockerRun(STAMP);
            double ms = (stamp(stdoutOf(out)) - nanos(spawned)) / 1e6;
            if (i >= 1) {
                starts.add(ms);
            }
        }
        return starts;
    }

    /** Raw container churn: {@code docker run --rm} of print(1), {@code concurrency} at a time. Jobs per second. */
    double dockerRunChurn(int jobs, int concurrency) throws InterruptedException {
        return throughput(jobs, concurrency, () -> {
            try {
                dockerRun("print(1)");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Sustained jobs per second through a pool of {@code concurrency} sandboxes, under the catalogue given. */
    double poolThroughput(VmTypeCatalogue catalogue, int jobs, int concurrency) throws InterruptedException {
        try (Pool pool = pool(catalogue, concurrency)) {
            for (int i = 0; i < concurrency; i++) {
                awaitIdle(pool.pool);
                pool.pool.run(job(catalogue, "print(1)", "bench")); // warm-up
            }
            await(() -> pool.pool.available(VmType.CODE_EXEC) >= concurrency);
            return throughput(jobs, concurrency, () -> {
                SandboxOutcome outcome = pool.pool.run(job(catalogue, "print(1)", "bench"));
                if (!"1\n".equals(outcome.stdout().text())) {
                    throw new IllegalStateException("unexpected output: " + outcome.stdout().text());
                }
            });
        }
    }

    /**
     * Memory (MiB) of one idle warm sandbox under the catalogue: container and runner, page cache excluded, as
     * `docker stats` shows. A sandbox that serves many jobs ({@code isolation: namespaces}) is measured after it
     * served one, as it idles between jobs: the runner and the namespaces it made ready for the next job (a fresh one
     * measured the same, within 1 MiB).
     */
    double idleSandboxMib(VmTypeCatalogue catalogue) throws InterruptedException {
        try (Pool pool = pool(catalogue, 1)) {
            awaitIdle(pool.pool);
            if (catalogue.policy(VmType.CODE_EXEC).pool().reusesSandboxes()) {
                pool.pool.run(job(catalogue, "print(1)", "bench"));
                awaitIdle(pool.pool);
            }
            TimeUnit.SECONDS.sleep(2); // let the runner settle after start-up
            String name = control.listContainersCmd()
                    .withLabelFilter(Map.of(DockerSandboxFactory.MANAGED_LABEL, "true",
                            "dev.kiff.worker", "bench-" + ProcessHandle.current().pid()))
                    .exec().get(0).getId();
            CompletableFuture<Statistics> stats = new CompletableFuture<>();
            try (ResultCallback.Adapter<Statistics> callback = control.statsCmd(name).withNoStream(true)
                    .exec(new ResultCallback.Adapter<>() {
                        @Override
                        public void onNext(Statistics statistics) {
                            stats.complete(statistics);
                        }
                    })) {
                Statistics s = stats.get(30, TimeUnit.SECONDS);
                long usage = s.getMemoryStats().getUsage();
                Map<String, Long> detail = s.getMemoryStats().getStats() == null ? Map.of()
                        : statsMap(s);
                long cache = detail.getOrDefault("total_inactive_file",
                        detail.getOrDefault("inactive_file", detail.getOrDefault("cache", 0L)));
                return (usage - cache) / (1024.0 * 1024.0);
            } catch (Exception e) {
                throw new IllegalStateException("docker stats failed: " + e, e);
            }
        }
    }

    private static Map<String, Long> statsMap(Statistics s) {
        var stats = s.getMemoryStats().getStats();
        Map<String, Long> map = new java.util.HashMap<>();
        if (stats.getCache() != null) {
            map.put("cache", stats.getCache());
        }
        if (stats.getTotalInactiveFile() != null) {
            map.put("total_inactive_file", stats.getTotalInactiveFile());
        }
        if (stats.getInactiveFile() != null) {
            map.put("inactive_file", stats.getInactiveFile());
        }
        return map;
    }

    private double throughput(int jobs, int concurrency, Runnable one) throws InterruptedException {
        AtomicInteger left = new AtomicInteger(jobs);
        ExecutorService threads = Executors.newFixedThreadPool(concurrency);
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        long begin = System.nanoTime();
        for (int t = 0; t < concurrency; t++) {
            threads.execute(() -> {
                while (left.getAndDecrement() > 0) {
                    try {
                        one.run();
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                }
            });
        }
        threads.shutdown();
        threads.awaitTermination(30, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - begin) / 1e9;
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " of " + jobs + " jobs failed, first: "
                    + failures.get(0), failures.get(0));
        }
        return jobs / seconds;
    }

    private byte[] dockerRun(String code) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("docker", "run", "--rm", "-i", "--network", "none", "--read-only",
                "--tmpfs", "/workspace:uid=10001,gid=10001", "--tmpfs", "/tmp:uid=10001,gid=10001",
                "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--memory", "256m",
                "--memory-swap", "256m", "--log-driver", "none", IMAGE)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream stdin = process.getOutputStream()) {
            byte[] envelope = codec.write(new RunnerEnvelope(1, Language.PYTHON, code, "", Map.of(), List.of(),
                    List.of(), null, null));
            stdin.write(envelope);
            stdin.write('\n');
        }
        byte[] out;
        try (InputStream stdout = process.getInputStream()) {
            out = stdout.readAllBytes();
        }
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("docker run failed (exit " + process.exitValue() + ")");
        }
        return out;
    }

    private static String stdoutOf(byte[] frames) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        new RunnerFrames(new RunnerFrames.Listener() {
            @Override
            public void ready(String json) {
            }

            @Override
            public void stdout(byte[] chunk) {
                stdout.writeBytes(chunk);
            }

            @Override
            public void stderr(byte[] chunk) {
            }

            @Override
            public void exit(String json) {
            }

            @Override
            public void broken(String reason) {
                throw new IllegalStateException("runner frames broken: " + reason);
            }
        }).feed(frames);
        return stdout.toString(StandardCharsets.UTF_8);
    }

    private static long stamp(String stdout) {
        return Long.parseLong(stdout.strip());
    }

    private static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    Job job(VmTypeCatalogue catalogue, String code, String tenant) {
        return new Job(UUID.randomUUID(), tenant, VmType.CODE_EXEC, Language.PYTHON, code, "", Map.of(), Map.of(),
                catalogue.policy(VmType.CODE_EXEC).defaults(), clock.instant());
    }

    private static void awaitIdle(WarmPool pool) {
        await(() -> pool.available(VmType.CODE_EXEC) > 0);
    }

    static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the pool did not get an idle sandbox within 60 s");
            }
            try {
                TimeUnit.MILLISECONDS.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        // Used sandboxes are destroyed shortly after their job: let those removals run before the clients close.
        later.shutdown();
        try {
            later.awaitTermination(5, TimeUnit.SECONDS);
            starter.shutdown();
            starter.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        starter.shutdownNow();
        control.close();
        streams.close();
    }

    /** A pool and what it needs, closed together. */
    record Pool(WarmPool pool, UnixSocketSandboxGateway gateway, VmTypeCatalogue catalogue) implements AutoCloseable {
        @Override
        public void close() {
            pool.close();
            // Busy and starting sandboxes are destroyed as they finish.
            await(() -> pool.status().stream().mapToInt(s -> s.busy() + s.starting()).sum() == 0);
            gateway.close();
        }
    }
}
