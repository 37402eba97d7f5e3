package dev.kiff.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.testkit.Catalogues;
import dev.kiff.worker.docker.DockerClients;
import dev.kiff.worker.docker.DockerSandboxFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./kiff bench [--quick]}: every figure of the performance goals measured side by side in one run on this
 * machine, printed as a table and written to {@code bench/results/latest.json} (and {@code latest.md}).
 *
 * <pre>
 *   java -cp ... dev.kiff.bench.Bench [--quick] --api-jar PATH --worker-jar PATH [--out DIR]
 * </pre>
 */
public final class Bench {

    private Bench() {
    }

    /** How many of each measurement. */
    record Sizes(int warmStarts, int coldStarts, int churnJobs, int singleUseJobs, int reuseJobs, int e2eJobs,
            int concurrency) {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        Path apiJar = Path.of(option(args, "--api-jar"));
        Path workerJar = Path.of(option(args, "--worker-jar"));
        Path out = Path.of(optionOr(args, "--out", "bench/results"));
        Sizes sizes = quick ? new Sizes(40, 10, 24, 40, 300, 40, 4) : new Sizes(200, 30, 80, 120, 2000, 200, 4);
        Map<String, Object> figures = new LinkedHashMap<>();
        long begin = System.nanoTime();
        boolean e2eOnly = List.of(args).contains("--e2e-only");
        if (List.of(args).contains("--warm-only")) {
            sandboxFigures(sizes, figures, true);
            System.exit(0);
        }
        if (!e2eOnly) {
            sandboxFigures(sizes, figures, false);
        }

        say("end to end: starting Kafka, PostgreSQL, the API and a worker");
        try (EndToEndBench e2e = new EndToEndBench(apiJar, workerJar, 3)) {
            say("end to end: %d jobs of print(1), one at a time", sizes.e2eJobs());
            List<Double> latencies = e2e.latencies(sizes.e2eJobs(), 30, Duration.ofMillis(500));
            figures.put("e2e_p50_ms", round(percentile(latencies, 50)));
            figures.put("e2e_p99_ms", round(percentile(latencies, 99)));
            figures.put("e2e_queue_wait_p50_ms", round(percentile(
                    e2e.breakdown.stream().map(b -> (double) b[0]).toList(), 50)));
            figures.put("e2e_run_time_p50_ms", round(percentile(
                    e2e.breakdown.stream().map(b -> (double) b[1]).toList(), 50)));
        }
        if (e2eOnly) {
            figures.forEach((k, v) -> say("%s = %s", k, v));
            System.exit(0);
        }

        List<PoolSimulator.Result> simulation = PoolSimulator.run();
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("at", Instant.now().toString());
        document.put("mode", quick ? "quick" : "full");
        document.put("machine", machine());
        document.put("sizes", sizes);
        document.putAll(figures);
        document.put("goals", goals());
        document.put("simulation", simulation);
        document.put("seconds", round((System.nanoTime() - begin) / 1e9));
        Files.createDirectories(out);
        JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        Files.writeString(out.resolve("latest.json"), json.writeValueAsString(document) + "\n");
        String table = table(figures, document) + "\n" + PoolSimulator.table(simulation);
        Files.writeString(out.resolve("latest.md"), table);
        System.out.println();
        System.out.print(table);
        System.out.println();
        System.out.println("written to " + out.resolve("latest.json") + " and " + out.resolve("latest.md"));
        // The embedded broker leaves non-daemon threads behind it.
        System.exit(0);
    }

    private static void sandboxFigures(Sizes sizes, Map<String, Object> figures, boolean warmOnly)
            throws Exception {
        try (SandboxBench sandboxes = new SandboxBench()) {
            say("warm start: %d jobs, one at a time", sizes.warmStarts());
            List<Double> warm = sandboxes.warmStarts(sizes.warmStarts());
            if (warmOnly) {
                figures.put("warm_start_p50_ms", round(percentile(warm, 50)));
                figures.put("warm_run_p50_ms", round(percentile(sandboxes.warmRuns, 50)));
                figures.forEach((k, v) -> say("%s = %s", k, v));
                return;
            }
            say("cold start: %d docker runs", sizes.coldStarts());
            List<Double> cold = sandboxes.coldStarts(sizes.coldStarts());
            figures.put("warm_start_p50_ms", round(percentile(warm, 50)));
            figures.put("warm_start_p99_ms", round(percentile(warm, 99)));
            figures.put("warm_run_p50_ms", round(percentile(sandboxes.warmRuns, 50)));
            figures.put("cold_start_p50_ms", round(percentile(cold, 50)));
            figures.put("cold_vs_warm_start_ratio", round(percentile(cold, 50) / percentile(warm, 50)));

            say("docker run --rm churn: %d jobs, %d at a time", sizes.churnJobs(), sizes.concurrency());
            double churn = sandboxes.dockerRunChurn(sizes.churnJobs(), sizes.concurrency());
            say("single-use pool: %d jobs, %d sandboxes", sizes.singleUseJobs(), sizes.concurrency());
            double singleUse = sandboxes.poolThroughput(VmTypeCatalogue.builtIn(), sizes.singleUseJobs(),
                    sizes.concurrency());
            say("reuse: tenant pool: %d jobs, %d sandboxes", sizes.reuseJobs(), sizes.concurrency());
            double reuse = sandboxes.poolThroughput(reuseCatalogue(), sizes.reuseJobs(), sizes.concurrency());
            figures.put("docker_run_churn_per_s", round(churn));
            figures.put("single_use_jobs_per_s", round(singleUse));
            figures.put("single_use_vs_churn_ratio", round(singleUse / churn));
            figures.put("reuse_jobs_per_s", round(reuse));

            say("idle warm sandbox memory");
            figures.put("idle_slot_mib", round(sandboxes.idleSandboxMib()));
        } finally {
            removeBenchContainers();
        }

    }

    private static Map<String, String> goals() {
        Map<String, String> goals = new LinkedHashMap<>();
        goals.put("warm_start_p50_ms", "<= 10, and >= 20x faster than cold");
        goals.put("e2e_p50_ms", "<= 50");
        goals.put("e2e_p99_ms", "<= 150");
        goals.put("single_use_vs_churn_ratio", ">= 0.9");
        goals.put("reuse_jobs_per_s", ">= 50");
        goals.put("idle_slot_mib", "<= 20");
        return goals;
    }

    private static String table(Map<String, Object> f, Map<String, Object> document) {
        StringBuilder t = new StringBuilder();
        t.append("Machine: ").append(document.get("machine")).append("; run: ").append(document.get("mode"))
                .append(", ").append(document.get("at")).append("\n\n");
        t.append("| figure | measured | goal |\n|---|---|---|\n");
        row(t, "job start, warm pool, p50 / p99", f.get("warm_start_p50_ms") + " / " + f.get("warm_start_p99_ms")
                + " ms", "p50 <= 10 ms");
        row(t, "job start, cold `docker run`, p50", f.get("cold_start_p50_ms") + " ms", "");
        row(t, "`print(1)` in a warm sandbox, taken → outcome, p50", f.get("warm_run_p50_ms") + " ms", "");
        row(t, "cold / warm start", f.get("cold_vs_warm_start_ratio") + "x", ">= 20x");
        row(t, "end to end `print(1)`, p50 / p99", f.get("e2e_p50_ms") + " / " + f.get("e2e_p99_ms") + " ms",
                "<= 50 / 150 ms");
        row(t, "`docker run --rm` churn", f.get("docker_run_churn_per_s") + " jobs/s", "");
        row(t, "single-use pool throughput", f.get("single_use_jobs_per_s") + " jobs/s ("
                + f.get("single_use_vs_churn_ratio") + "x churn)", ">= 0.9x churn");
        row(t, "`reuse: tenant` pool throughput", f.get("reuse_jobs_per_s") + " jobs/s", ">= 50 jobs/s");
        row(t, "idle warm sandbox memory", f.get("idle_slot_mib") + " MiB", "<= 20 MiB");
        return t.toString();
    }

    private static void row(StringBuilder t, String figure, String measured, String goal) {
        t.append("| ").append(figure).append(" | ").append(measured).append(" | ").append(goal).append(" |\n");
    }

    /** The built-in catalogue with code-exec opted into reuse per tenant, as a trusted batch pipeline would. */
    static VmTypeCatalogue reuseCatalogue() {
        return VmTypeCatalogue.load(Catalogues.reusing("code-exec", 100_000));
    }

    private static void removeBenchContainers() {
        try (DockerClient docker = DockerClients.create("unix:///var/run/docker.sock", Duration.ofSeconds(10),
                Duration.ofSeconds(30), 4)) {
            List<Container> leftovers = docker.listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of(DockerSandboxFactory.MANAGED_LABEL, "true",
                            "dev.kiff.worker", "bench-" + ProcessHandle.current().pid()))
                    .exec();
            for (Container container : leftovers) {
                try {
                    docker.removeContainerCmd(container.getId()).withForce(true).exec();
                } catch (NotFoundException gone) {
                    // its pool removed it meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            say("could not remove the bench's sandboxes: %s", e);
        }
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse(cpu);
        } catch (IOException e) {
            // keep the placeholder
        }
        long memory = 0;
        try {
            memory = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .findFirst().map(l -> Long.parseLong(l.replaceAll("\\D", ""))).orElse(0L);
        } catch (IOException e) {
            // keep 0
        }
        return String.format(Locale.ROOT, "%d cores (%s), %.0f GiB, %s %s, Java %s",
                Runtime.getRuntime().availableProcessors(), cpu, memory / 1024.0 / 1024.0,
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("java.version"));
    }

    static double percentile(List<Double> values, double p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static String option(String[] args, String name) {
        String value = optionOr(args, name, null);
        if (value == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return value;
    }

    private static String optionOr(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    static void say(String format, Object... args) {
        System.out.printf(Locale.ROOT, "bench: " + format + "%n", args);
    }
}
