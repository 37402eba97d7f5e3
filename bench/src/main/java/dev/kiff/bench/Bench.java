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
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
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
            int e2eWarmUp, int concurrency, int hostStarts, int loadSeconds, int loadWarmUpSeconds,
            List<Integer> loadClients, int workerCapacity, int workerWarmSlots, boolean corpusInContainerMode,
            int sessionCreates) {
    }

    /** Agents with a session each in the sessions' closed loop: within a tenant's default quota of 5 sessions. */
    static final int SESSION_CLIENTS = 4;

    static final Sizes QUICK = new Sizes(40, 10, 24, 40, 300, 40, 10, 4, 30, 8, 2, List.of(1, 4, 16), 8, 4, false, 10);
    static final Sizes FULL = new Sizes(200, 30, 80, 120, 2000, 120, 20, 4, 30, 30, 5, List.of(1, 4, 16), 8, 4, true, 30);

    /** Between two warm-start jobs: the sandbox settles as between the jobs of an agent. */
    private static final Duration WARM_START_PAUSE = Duration.ofMillis(50);

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        Path apiJar = Path.of(option(args, "--api-jar"));
        Path workerJar = Path.of(option(args, "--worker-jar"));
        Path out = Path.of(optionOr(args, "--out", "bench/results"));
        Sizes sizes = quick ? QUICK : FULL;
        Map<String, Object> figures = new LinkedHashMap<>();
        Map<String, Object> details = new LinkedHashMap<>();
        long begin = System.nanoTime();
        String loadBefore = loadAverage();
        Map<String, String> imageBefore = image(SandboxBench.IMAGE);
        boolean e2eOnly = List.of(args).contains("--e2e-only");
        if (List.of(args).contains("--warm-only")) {
            sandboxFigures(sizes, figures, true);
            figures.forEach((k, v) -> say("%s = %s", k, v));
            System.exit(0);
        }
        if (!e2eOnly) {
            sandboxFigures(sizes, figures, false);
        }

        // The host's references before the platform starts: its processes would slow the host's runs too.
        HostPython host = HostPython.resolve();
        say("host: %d starts of %s -c 'print(1)' (python3 %s)", sizes.hostStarts(), host.executable, host.version);
        List<Double> hostStarts = host.startTimes(sizes.hostStarts());
        figures.put("host_python3_start_p50_ms", round(percentile(hostStarts, 50)));
        List<Corpus.Program> corpus = Corpus.load();
        say("host: the corpus of %d programs by python3 -I, one after another", corpus.size());
        HostPython.CorpusRun hostCorpus = host.corpus(corpus);
        figures.put("corpus_host_programs_per_s", round(hostCorpus.programsPerSecond()));
        details.put("host_python3", Map.of("executable", host.executable, "version", host.version,
                "corpus_nonzero_exits", hostCorpus.runs().stream().filter(r -> r.exit() != 0).count()));

        say("end to end: starting Kafka, PostgreSQL, the API and a worker (isolation: namespaces, the built-in "
                + "catalogue; capacity %d, %d warm sandboxes)", sizes.workerCapacity(), sizes.workerWarmSlots());
        Map<String, List<EndToEndBench.Load>> loads = new LinkedHashMap<>();
        Map<String, Map<String, Object>> corpusRuns = new LinkedHashMap<>();
        try (EndToEndBench e2e = new EndToEndBench(apiJar, workerJar, sizes.workerWarmSlots(),
                sizes.workerCapacity())) {
            say("end to end: %d jobs of print(1), one at a time", sizes.e2eJobs());
            List<Double> latencies = e2e.latencies(sizes.e2eJobs(), sizes.e2eWarmUp(), Duration.ofMillis(500));
            figures.put("e2e_p50_ms", round(percentile(latencies, 50)));
            figures.put("e2e_p99_ms", round(percentile(latencies, 99)));
            figures.put("e2e_queue_wait_p50_ms", round(percentile(
                    e2e.breakdown.stream().map(b -> (double) b[0]).toList(), 50)));
            figures.put("e2e_run_time_p50_ms", round(percentile(
                    e2e.breakdown.stream().map(b -> (double) b[1]).toList(), 50)));

            say("end to end: sessions: %d creates from the warm pool, %d runs of x += 1 in one session, then %d "
                    + "sessions in a closed loop", sizes.sessionCreates(), sizes.e2eJobs(), SESSION_CLIENTS);
            List<Double> creates = e2e.sessionCreates(EndToEndBench.DEV_KEY, sizes.sessionCreates());
            figures.put("session_create_p50_ms", round(percentile(creates, 50)));
            figures.put("session_create_p99_ms", round(percentile(creates, 99)));
            List<Double> sessionRuns = e2e.sessionRuns(EndToEndBench.DEV_KEY, sizes.e2eJobs(), sizes.e2eWarmUp());
            figures.put("session_run_p50_ms", round(percentile(sessionRuns, 50)));
            figures.put("session_run_p99_ms", round(percentile(sessionRuns, 99)));
            EndToEndBench.Load sessionLoad = e2e.sessionClosedLoop(EndToEndBench.DEV_KEY, SESSION_CLIENTS,
                    Duration.ofSeconds(sizes.loadSeconds()));
            figures.put("session_closed_loop_" + SESSION_CLIENTS + "_p50_ms", round(sessionLoad.p50Ms()));
            figures.put("session_closed_loop_" + SESSION_CLIENTS + "_runs_per_s", round(sessionLoad.jobsPerSecond()));
            figures.put("session_closed_loop_errors", sessionLoad.errors());

            // The development tenant may submit 50 times a second (Quotas.DEFAULT, not configurable for it): a
            // tenant of the bench's own has room for any closed loop this machine can drive.
            String key = e2e.createTenant("bench-load", 20_000, 100_000, 10_000);
            loads.put("namespaces", closedLoops(e2e, key, sizes, "namespaces"));
            corpusRuns.put("namespaces", corpusBatch(e2e, key, corpus, hostCorpus, "namespaces"));

            say("end to end: restarting the worker with every VM type on one container per job");
            Path containerPerJob = Catalogues.containerPerJob();
            containerPerJob.toFile().deleteOnExit();
            e2e.restartWorker(Map.of("KIFF_CATALOGUE", containerPerJob.toString()));
            loads.put("container", closedLoops(e2e, key, sizes, "container"));
            if (sizes.corpusInContainerMode()) {
                corpusRuns.put("container", corpusBatch(e2e, key, corpus, hostCorpus, "container"));
            }
        }
        loadFigures(loads, corpusRuns, figures);
        // A session run against a one-shot job, both in a closed loop of one client on the same platform.
        Double jobLoop = loadOf(loads, "namespaces", 1, EndToEndBench.Load::p50Ms);
        if (jobLoop != null) {
            figures.put("session_run_vs_job_closed_loop_ratio",
                    round(jobLoop / (Double) figures.get("session_run_p50_ms")));
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
        document.put("load_average", Map.of("before", loadBefore, "after", loadAverage()));
        Map<String, String> imageAfter = image(SandboxBench.IMAGE);
        document.put("image", imageBefore.equals(imageAfter) ? imageBefore
                : Map.of("before", imageBefore, "after", imageAfter));
        document.put("sizes", sizes);
        document.putAll(figures);
        document.put("closed_loop", loads);
        document.put("corpus", corpusRuns);
        document.putAll(details);
        document.put("goals", goals());
        document.put("simulation", simulation);
        document.put("seconds", round((System.nanoTime() - begin) / 1e9));
        Files.createDirectories(out);
        JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        Files.writeString(out.resolve("latest.json"), json.writeValueAsString(document) + "\n");
        String table = table(figures, document, loads, corpusRuns) + "\n" + PoolSimulator.table(simulation);
        Files.writeString(out.resolve("latest.md"), table);
        System.out.println();
        System.out.print(table);
        System.out.println();
        System.out.println("written to " + out.resolve("latest.json") + " and " + out.resolve("latest.md")
                + " in " + document.get("seconds") + " s");
        // The embedded broker leaves non-daemon threads behind it.
        System.exit(0);
    }

    /** A short unseen warm-up, then a closed loop of each number of clients. */
    private static List<EndToEndBench.Load> closedLoops(EndToEndBench e2e, String key, Sizes sizes, String mode)
            throws InterruptedException {
        say("closed loop (%s): warm-up, 4 clients for %d s", mode, sizes.loadWarmUpSeconds());
        e2e.closedLoop(key, 4, Duration.ofSeconds(sizes.loadWarmUpSeconds()));
        List<EndToEndBench.Load> runs = new ArrayList<>();
        for (int clients : sizes.loadClients()) {
            say("closed loop (%s): %d clients for %d s", mode, clients, sizes.loadSeconds());
            EndToEndBench.Load load = e2e.closedLoop(key, clients, Duration.ofSeconds(sizes.loadSeconds()));
            say("closed loop (%s): %d clients: %.1f jobs/s, p50 %.1f ms, p99 %.1f ms, %d errors%s", mode, clients,
                    load.jobsPerSecond(), load.p50Ms(), load.p99Ms(), load.errors(),
                    load.firstError() == null ? "" : " (first: " + load.firstError() + ")");
            runs.add(new EndToEndBench.Load(load.clients(), load.jobs(), load.errors(), round(load.seconds()),
                    round(load.jobsPerSecond()), round(load.p50Ms()), round(load.p99Ms()), load.firstError()));
        }
        return runs;
    }

    /**
     * The corpus as one batch; each job's exit code and stdout against the host's run of the same program (stderr
     * holds paths and timings, so it is not compared).
     */
    private static Map<String, Object> corpusBatch(EndToEndBench e2e, String key, List<Corpus.Program> corpus,
            HostPython.CorpusRun host, String mode) throws IOException, InterruptedException {
        say("corpus (%s): %d programs as one batch", mode, corpus.size());
        EndToEndBench.BatchRun batch = e2e.batch(key, corpus.stream().map(Corpus.Program::code).toList(),
                Duration.ofMinutes(5));
        List<String> mismatches = new ArrayList<>();
        Map<String, Integer> statuses = new TreeMap<>();
        for (int i = 0; i < corpus.size(); i++) {
            JsonNode result = batch.results().get(i);
            HostPython.Run expected = host.runs().get(i);
            String status = text(result.path("status"));
            statuses.merge(status, 1, Integer::sum);
            Integer exit = result.path("exitCode").isNumber() ? result.path("exitCode").asInt() : null;
            String stdout = text(result.path("stdout"));
            List<String> differs = new ArrayList<>();
            if (exit == null || exit != expected.exit()) {
                differs.add("exit " + exit + " (" + status + (result.path("message").isString()
                        ? ": " + result.path("message").asString() : "") + ") vs host " + expected.exit());
            }
            if (!expected.stdout().equals(stdout)) {
                differs.add("stdout " + abbreviate(stdout) + " vs host " + abbreviate(expected.stdout()));
            }
            if (!differs.isEmpty()) {
                mismatches.add(corpus.get(i).name() + ": " + String.join("; ", differs));
            }
        }
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("batch", batch.id());
        run.put("programs", corpus.size());
        run.put("seconds", round(batch.seconds()));
        run.put("jobs_per_s", round(corpus.size() / batch.seconds()));
        run.put("host_programs_per_s", round(host.programsPerSecond()));
        run.put("vs_host_ratio", round(corpus.size() / batch.seconds() / host.programsPerSecond()));
        run.put("statuses", statuses);
        run.put("mismatches", mismatches.size());
        run.put("mismatched", mismatches);
        say("corpus (%s): %.1f jobs/s (host python3 -I: %.1f programs/s), %s, %d mismatches%s", mode,
                corpus.size() / batch.seconds(), host.programsPerSecond(), statuses, mismatches.size(),
                mismatches.isEmpty() ? "" : ": " + mismatches);
        return run;
    }

    private static void loadFigures(Map<String, List<EndToEndBench.Load>> loads,
            Map<String, Map<String, Object>> corpusRuns, Map<String, Object> figures) {
        loads.forEach((mode, runs) -> {
            for (EndToEndBench.Load load : runs) {
                String prefix = "closed_loop_" + mode + "_" + load.clients() + "_";
                figures.put(prefix + "p50_ms", load.p50Ms());
                figures.put(prefix + "p99_ms", load.p99Ms());
                figures.put(prefix + "jobs_per_s", load.jobsPerSecond());
                figures.put(prefix + "errors", load.errors());
            }
        });
        Double one = loadOf(loads, "namespaces", 1, EndToEndBench.Load::p50Ms);
        Double host = (Double) figures.get("host_python3_start_p50_ms");
        if (one != null && host != null) {
            figures.put("closed_loop_1_p50_vs_host_python3_start_ratio", round(one / host));
        }
        Double ns4 = loadOf(loads, "namespaces", 4, EndToEndBench.Load::jobsPerSecond);
        Double c4 = loadOf(loads, "container", 4, EndToEndBench.Load::jobsPerSecond);
        if (ns4 != null && c4 != null) {
            figures.put("closed_loop_4_namespaces_vs_container_ratio", round(ns4 / c4));
        }
        corpusRuns.forEach((mode, run) -> {
            figures.put("corpus_" + mode + "_jobs_per_s", run.get("jobs_per_s"));
            figures.put("corpus_" + mode + "_vs_host_ratio", run.get("vs_host_ratio"));
            figures.put("corpus_" + mode + "_mismatches", run.get("mismatches"));
        });
    }

    private static Double loadOf(Map<String, List<EndToEndBench.Load>> loads, String mode, int clients,
            java.util.function.ToDoubleFunction<EndToEndBench.Load> figure) {
        return loads.getOrDefault(mode, List.of()).stream().filter(l -> l.clients() == clients).findFirst()
                .map(figure::applyAsDouble).orElse(null);
    }

    private static void sandboxFigures(Sizes sizes, Map<String, Object> figures, boolean warmOnly)
            throws Exception {
        VmTypeCatalogue namespaces = VmTypeCatalogue.builtIn();
        Path containerPerJob = Catalogues.containerPerJob();
        containerPerJob.toFile().deleteOnExit();
        VmTypeCatalogue container = VmTypeCatalogue.load(containerPerJob);
        try (SandboxBench sandboxes = new SandboxBench()) {
            say("warm start (namespaces): %d jobs, one at a time", sizes.warmStarts());
            SandboxBench.WarmStarts warmNs = sandboxes.warmStarts(namespaces, sizes.warmStarts(), WARM_START_PAUSE);
            say("warm start (container per job): %d jobs, one at a time", sizes.warmStarts());
            SandboxBench.WarmStarts warmC = sandboxes.warmStarts(container, sizes.warmStarts(), WARM_START_PAUSE);
            figures.put("warm_start_namespaces_p50_ms", round(percentile(warmNs.starts(), 50)));
            figures.put("warm_start_namespaces_p99_ms", round(percentile(warmNs.starts(), 99)));
            figures.put("warm_run_namespaces_p50_ms", round(percentile(warmNs.runs(), 50)));
            figures.put("warm_start_container_p50_ms", round(percentile(warmC.starts(), 50)));
            figures.put("warm_start_container_p99_ms", round(percentile(warmC.starts(), 99)));
            figures.put("warm_run_container_p50_ms", round(percentile(warmC.runs(), 50)));
            if (warmOnly) {
                return;
            }
            say("cold start: %d docker runs", sizes.coldStarts());
            List<Double> cold = sandboxes.coldStarts(sizes.coldStarts());
            figures.put("cold_start_p50_ms", round(percentile(cold, 50)));
            figures.put("cold_vs_warm_start_namespaces_ratio",
                    round(percentile(cold, 50) / percentile(warmNs.starts(), 50)));
            figures.put("cold_vs_warm_start_container_ratio",
                    round(percentile(cold, 50) / percentile(warmC.starts(), 50)));

            say("docker run --rm churn: %d jobs, %d at a time", sizes.churnJobs(), sizes.concurrency());
            double churn = sandboxes.dockerRunChurn(sizes.churnJobs(), sizes.concurrency());
            say("single-use pool (container per job): %d jobs, %d sandboxes", sizes.singleUseJobs(),
                    sizes.concurrency());
            double singleUse = sandboxes.poolThroughput(container, sizes.singleUseJobs(), sizes.concurrency());
            say("namespaces pool: %d jobs of one tenant, %d sandboxes", sizes.reuseJobs(), sizes.concurrency());
            double isolating = sandboxes.poolThroughput(namespaces, sizes.reuseJobs(), sizes.concurrency());
            say("reuse: tenant pool: %d jobs, %d sandboxes", sizes.reuseJobs(), sizes.concurrency());
            double reuse = sandboxes.poolThroughput(reuseCatalogue(), sizes.reuseJobs(), sizes.concurrency());
            figures.put("docker_run_churn_per_s", round(churn));
            figures.put("single_use_jobs_per_s", round(singleUse));
            figures.put("single_use_vs_churn_ratio", round(singleUse / churn));
            figures.put("namespaces_pool_jobs_per_s", round(isolating));
            figures.put("reuse_jobs_per_s", round(reuse));

            say("idle warm sandbox memory (namespaces, after one job; container per job)");
            figures.put("idle_slot_namespaces_mib", round(sandboxes.idleSandboxMib(namespaces)));
            figures.put("idle_slot_container_mib", round(sandboxes.idleSandboxMib(container)));
        } finally {
            removeBenchContainers();
        }
        // gVisor: Debian's runsc refuses mounts in nested user namespaces, so its sandboxes fall back to one job each.
        try (SandboxBench gvisor = new SandboxBench("runsc")) {
            say("warm start under gVisor (runsc): %d jobs, one at a time", sizes.warmStarts());
            SandboxBench.WarmStarts warmG = gvisor.warmStarts(namespaces, sizes.warmStarts(), WARM_START_PAUSE);
            figures.put("warm_start_runsc_p50_ms", round(percentile(warmG.starts(), 50)));
            figures.put("warm_start_runsc_p99_ms", round(percentile(warmG.starts(), 99)));
        } catch (RuntimeException e) {
            say("gVisor figures skipped: %s", e.getMessage());
        } finally {
            removeBenchContainers();
        }
    }

    private static Map<String, String> goals() {
        Map<String, String> goals = new LinkedHashMap<>();
        goals.put("warm_start_namespaces_p50_ms", "<= 5, and >= 20x faster than cold");
        goals.put("e2e_p50_ms", "<= 50");
        goals.put("e2e_p99_ms", "<= 150");
        goals.put("closed_loop_namespaces_1_p50_ms", "<= host_python3_start_p50_ms");
        goals.put("closed_loop_4_namespaces_vs_container_ratio", ">= 4");
        goals.put("corpus_namespaces_vs_host_ratio", ">= 1");
        goals.put("corpus_namespaces_mismatches", "0");
        goals.put("single_use_vs_churn_ratio", ">= 0.9");
        goals.put("session_run_p50_ms", "<= 15");
        goals.put("session_create_p50_ms", "<= 50");
        goals.put("reuse_jobs_per_s", ">= 50");
        goals.put("idle_slot_namespaces_mib", "<= 10");
        goals.put("idle_slot_container_mib", "<= 20");
        return goals;
    }

    private static String table(Map<String, Object> f, Map<String, Object> document,
            Map<String, List<EndToEndBench.Load>> loads, Map<String, Map<String, Object>> corpusRuns) {
        StringBuilder t = new StringBuilder();
        t.append("Machine: ").append(document.get("machine")).append("; run: ").append(document.get("mode"))
                .append(", ").append(document.get("at")).append(", ").append(document.get("seconds"))
                .append(" s; load average before / after: ").append(((Map<?, ?>) document.get("load_average"))
                        .get("before")).append(" / ").append(((Map<?, ?>) document.get("load_average")).get("after"))
                .append("\n\n");
        t.append("| figure | measured | goal |\n|---|---|---|\n");
        row(t, "job start, warm pool, namespaces (built-in), p50 / p99", f.get("warm_start_namespaces_p50_ms")
                + " / " + f.get("warm_start_namespaces_p99_ms") + " ms", "p50 <= 5 ms");
        row(t, "job start, warm pool, container per job, p50 / p99", f.get("warm_start_container_p50_ms") + " / "
                + f.get("warm_start_container_p99_ms") + " ms", "");
        if (f.get("warm_start_runsc_p50_ms") != null) {
            row(t, "job start, warm pool, gVisor (runsc: one job per sandbox), p50 / p99",
                    f.get("warm_start_runsc_p50_ms") + " / " + f.get("warm_start_runsc_p99_ms") + " ms", "");
        }
        row(t, "job start, cold `docker run`, p50", f.get("cold_start_p50_ms") + " ms", "");
        row(t, "`print(1)` in a warm sandbox, taken → outcome, p50, namespaces / container",
                f.get("warm_run_namespaces_p50_ms") + " / " + f.get("warm_run_container_p50_ms") + " ms", "");
        row(t, "cold / warm start, namespaces / container", f.get("cold_vs_warm_start_namespaces_ratio") + "x / "
                + f.get("cold_vs_warm_start_container_ratio") + "x", ">= 20x");
        row(t, "end to end `print(1)`, one at a time, p50 / p99 (namespaces)", f.get("e2e_p50_ms") + " / "
                + f.get("e2e_p99_ms") + " ms", "<= 50 / 150 ms");
        row(t, "session run `x += 1`, HTTP request → result, one after another, p50 / p99 (one-shot job, closed loop"
                + " of 1, p50 / session run p50)", f.get("session_run_p50_ms") + " / " + f.get("session_run_p99_ms")
                + " ms (" + f.get("session_run_vs_job_closed_loop_ratio") + "x)", "p50 <= 15 ms");
        row(t, "session create from the warm pool, request → READY, p50 / p99", f.get("session_create_p50_ms")
                + " / " + f.get("session_create_p99_ms") + " ms", "p50 <= 50 ms");
        row(t, "sessions, " + SESSION_CLIENTS + " agents each running `x += 1` in its own session, closed loop: p50,"
                + " runs/s (errors)", f.get("session_closed_loop_" + SESSION_CLIENTS + "_p50_ms") + " ms, "
                + f.get("session_closed_loop_" + SESSION_CLIENTS + "_runs_per_s") + " runs/s ("
                + f.get("session_closed_loop_errors") + ")", "");
        row(t, "closed loop, 1 client, p50 (namespaces) vs host `python3 -c 'print(1)'` start, median",
                f.get("closed_loop_namespaces_1_p50_ms") + " vs " + f.get("host_python3_start_p50_ms") + " ms ("
                        + f.get("closed_loop_1_p50_vs_host_python3_start_ratio") + "x)", "<= host python3 start");
        row(t, "closed loop, 4 clients, jobs/s, namespaces / container", f.get("closed_loop_namespaces_4_jobs_per_s")
                + " / " + f.get("closed_loop_container_4_jobs_per_s") + " ("
                + f.get("closed_loop_4_namespaces_vs_container_ratio") + "x)", ">= 4x");
        row(t, "corpus as one batch (namespaces) vs host `python3 -I`, one after another",
                f.get("corpus_namespaces_jobs_per_s") + " vs " + f.get("corpus_host_programs_per_s")
                        + " programs/s (" + f.get("corpus_namespaces_vs_host_ratio") + "x)", ">= 1x");
        row(t, "corpus verdicts differing from host (exit code, stdout), namespaces",
                String.valueOf(f.get("corpus_namespaces_mismatches")), "0");
        row(t, "`docker run --rm` churn", f.get("docker_run_churn_per_s") + " jobs/s", "");
        row(t, "single-use pool (container per job) throughput", f.get("single_use_jobs_per_s") + " jobs/s ("
                + f.get("single_use_vs_churn_ratio") + "x churn)", ">= 0.9x churn");
        row(t, "namespaces pool throughput (one tenant)", f.get("namespaces_pool_jobs_per_s") + " jobs/s", "");
        row(t, "`reuse: tenant` pool throughput", f.get("reuse_jobs_per_s") + " jobs/s", ">= 50 jobs/s");
        row(t, "idle warm sandbox memory, namespaces (outer sandbox, after a job)",
                f.get("idle_slot_namespaces_mib") + " MiB", "<= 10 MiB");
        row(t, "idle warm sandbox memory, container per job", f.get("idle_slot_container_mib") + " MiB",
                "<= 20 MiB");

        Sizes sizes = (Sizes) document.get("sizes");
        t.append("\nClosed loop: N clients, each submitting `print(1)` (code-exec, python) and long-polling its result,")
                .append(" then the next, for ").append(sizes.loadSeconds()).append(" s; one worker, capacity ")
                .append(sizes.workerCapacity()).append(", ").append(sizes.workerWarmSlots())
                .append(" warm code-exec sandboxes. Host `python3` start, median of ").append(sizes.hostStarts())
                .append(": ").append(f.get("host_python3_start_p50_ms")).append(" ms.\n\n");
        t.append("| clients | namespaces p50 / p99 (ms) | namespaces jobs/s | container p50 / p99 (ms) |"
                + " container jobs/s | namespaces / container | errors (ns / c) |\n|---|---|---|---|---|---|---|\n");
        for (int clients : sizes.loadClients()) {
            EndToEndBench.Load ns = load(loads, "namespaces", clients);
            EndToEndBench.Load c = load(loads, "container", clients);
            t.append("| ").append(clients).append(" | ")
                    .append(ns == null ? "-" : ns.p50Ms() + " / " + ns.p99Ms()).append(" | ")
                    .append(ns == null ? "-" : ns.jobsPerSecond()).append(" | ")
                    .append(c == null ? "-" : c.p50Ms() + " / " + c.p99Ms()).append(" | ")
                    .append(c == null ? "-" : c.jobsPerSecond()).append(" | ")
                    .append(ns == null || c == null ? "-" : round(ns.jobsPerSecond() / c.jobsPerSecond()) + "x")
                    .append(" | ").append(ns == null ? "-" : ns.errors()).append(" / ")
                    .append(c == null ? "-" : c.errors()).append(" |\n");
        }
        t.append("\nCorpus: ").append(corpusRuns.values().stream().findFirst().map(r -> r.get("programs"))
                .orElse("?")).append(" Python programs with their own asserts (about half fail by design) as one")
                .append(" batch, batch submit → every result read; host: `python3 -I main.py`, a fresh process and")
                .append(" directory each, one after another. Verdict = exit code and stdout.\n\n");
        t.append("| isolation | Kiff jobs/s | host programs/s | Kiff / host | statuses | mismatches |\n"
                + "|---|---|---|---|---|---|\n");
        corpusRuns.forEach((mode, run) -> {
            t.append("| ").append(mode).append(" | ").append(run.get("jobs_per_s")).append(" | ")
                    .append(run.get("host_programs_per_s")).append(" | ").append(run.get("vs_host_ratio"))
                    .append("x | ").append(run.get("statuses")).append(" | ").append(run.get("mismatches"));
            @SuppressWarnings("unchecked")
            List<String> mismatched = (List<String>) run.get("mismatched");
            if (!mismatched.isEmpty()) {
                t.append(": ").append(String.join("; ", mismatched.stream()
                        .map(m -> m.replace("|", "\\|")).toList()));
            }
            t.append(" |\n");
        });
        return t.toString();
    }

    private static EndToEndBench.Load load(Map<String, List<EndToEndBench.Load>> loads, String mode, int clients) {
        return loads.getOrDefault(mode, List.of()).stream().filter(l -> l.clients() == clients).findFirst()
                .orElse(null);
    }

    private static void row(StringBuilder t, String figure, String measured, String goal) {
        t.append("| ").append(figure).append(" | ").append(measured).append(" | ").append(goal).append(" |\n");
    }

    private static String text(JsonNode node) {
        return node.isString() ? node.asString() : null;
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        String quoted = "\"" + s.replace("\n", "\\n") + "\"";
        return quoted.length() > 120 ? quoted.substring(0, 117) + "...\"" : quoted;
    }

    /** The built-in catalogue with code-exec opted into reuse per tenant, as a trusted batch pipeline would. */
    static VmTypeCatalogue reuseCatalogue() {
        Path file = Catalogues.reusing("code-exec", 100_000);
        file.toFile().deleteOnExit();
        return VmTypeCatalogue.load(file);
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

    static double round(double value) {
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

    private static final long STARTED = System.nanoTime();

    static void say(String format, Object... args) {
        System.out.printf(Locale.ROOT, "bench: [%3.0f s] " + format + "%n",
                prepend((System.nanoTime() - STARTED) / 1e9, args));
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    /** The load average of the machine (1, 5, 15 min): other work on it shows here, and in every figure. */
    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** Which build of the sandbox image was measured: its id and the hash of the files it was built from. */
    private static Map<String, String> image(String name) {
        try {
            Process p = new ProcessBuilder("docker", "image", "inspect", "--format",
                    "{{.Id}} {{ index .Config.Labels \"dev.kiff.image.hash\" }}", name)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String[] out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .strip().split(" ");
            p.waitFor();
            return Map.of("name", name, "id", out[0], "hash", out.length > 1 ? out[1] : "");
        } catch (IOException | RuntimeException e) {
            return Map.of("name", name, "error", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of("name", name, "error", e.toString());
        }
    }
}
