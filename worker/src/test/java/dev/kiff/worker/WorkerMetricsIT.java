package dev.kiff.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.VmType;
import dev.kiff.testkit.PrometheusScrape;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The worker's Kiff metrics as Prometheus reads them, after real jobs of several outcomes ran in real sandboxes: the
 * documented names and labels are there, with values that match what ran.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "kiff.worker.id=metrics-it",
        "kiff.worker.vm-types=code-exec,ml-agent",
        "kiff.worker.initial-target=1",
        "kiff.worker.retry-backoff=200ms"})
class WorkerMetricsIT extends WorkerIntegrationTest {

    static final StandInService ML = StandInService.start();

    @Value("${local.server.port}")
    int port;

    @DynamicPropertySource
    static void bindings(DynamicPropertyRegistry registry) {
        registry.add("kiff.gateway.bindings.ml.url", ML::url);
    }

    @AfterAll
    static void stopService() {
        ML.close();
    }

    @Test
    void exportsJobOutcomesTimingsPoolsSandboxStartsAndPerTenantUsage() {
        JobResult succeeded = run(JobMessages.python("""
                import time
                end = time.process_time() + 0.5
                while time.process_time() < end:
                    pass
                print('burnt')
                """));
        JobResult failed = run(JobMessages.python("raise SystemExit(3)"));
        JobResult timedOut = run(JobMessages.python("while True: pass").timeoutMs(1000));
        JobResult retried = run(JobMessages.python("raise SystemExit(1)").retry(2, true));
        assertThat(succeeded.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(timedOut.status()).isEqualTo(JobStatus.TIMED_OUT);
        assertThat(retried.status()).isEqualTo(JobStatus.FAILED);
        assertThat(retried.attempts()).isEqualTo(2);

        PrometheusScrape scrape = PrometheusScrape.read(port);
        Map<String, String> codeExec = Map.of("vm_type", "code-exec");
        assertThat(scrape.value("kiff_jobs_ended_total", Map.of("vm_type", "code-exec", "status", "succeeded")))
                .as(scrape.toString()).isEqualTo(1);
        assertThat(scrape.value("kiff_jobs_ended_total", Map.of("vm_type", "code-exec", "status", "failed")))
                .as("the plain failure and the retried job's last attempt").isEqualTo(2);
        assertThat(scrape.value("kiff_jobs_ended_total", Map.of("vm_type", "code-exec", "status", "timed_out")))
                .isEqualTo(1);
        assertThat(scrape.value("kiff_jobs_retried_total", Map.of("vm_type", "code-exec", "status", "failed")))
                .as("the retried job's first attempt").isEqualTo(1);

        assertThat(scrape.samples("kiff_jobs_dead_lettered_total", Map.of("vm_type", "ml-agent", "reason",
                "platform-failure"))).as("exported at zero before the first, for increase()").singleElement()
                .satisfies(zero -> assertThat(zero.value()).isZero());
        Map<String, Map<String, String>> notYetSeen = Map.of(
                "kiff_jobs_ended_total", Map.of("vm_type", "ml-agent", "status", "error"),
                "kiff_jobs_retried_total", Map.of("vm_type", "ml-agent", "status", "oom_killed"),
                "kiff_jobs_redelivered_total", Map.of("vm_type", "ml-agent", "kind", "abandoned"));
        notYetSeen.forEach((name, labels) -> assertThat(scrape.samples(name, labels))
                .as("%s%s exported at zero before the first", name, labels).singleElement()
                .satisfies(zero -> assertThat(zero.value()).isZero()));
        assertThat(scrape.value("kiff_job_queue_wait_seconds_count", codeExec)).isEqualTo(4);
        assertThat(scrape.samples("kiff_job_queue_wait_seconds_bucket", codeExec))
                .as("histogram buckets, for percentiles across workers").hasSizeGreaterThan(5);
        assertThat(scrape.value("kiff_job_warm_start_seconds_count", codeExec))
                .as("every run, the retried job's first one too").isEqualTo(5);
        assertThat(scrape.value("kiff_job_run_seconds_count", Map.of("vm_type", "code-exec", "status", "timed_out")))
                .isEqualTo(1);
        assertThat(scrape.value("kiff_job_run_seconds_sum", Map.of("vm_type", "code-exec", "status", "timed_out")))
                .as("a 1 s timeout ran for about a second").isBetween(0.9, 60.0);

        Map<String, String> tenant = Map.of("tenant", succeeded.tenant(), "vm_type", "code-exec");
        assertThat(scrape.value("kiff_tenant_cpu_seconds_total", tenant))
                .as("the succeeded job's half second of CPU, from the per-job accounting").isGreaterThan(0.4);
        assertThat(scrape.value("kiff_tenant_job_memory_peak_bytes_count", tenant))
                .as("the jobs whose runner reported its usage").isBetween(3.0, 4.0);
        assertThat(scrape.value("kiff_tenant_job_memory_peak_bytes_max", tenant)).isGreaterThan(1024 * 1024);

        assertThat(scrape.value("kiff_sandbox_start_seconds_count",
                Map.of("vm_type", "code-exec", "outcome", "started"))).isGreaterThanOrEqualTo(1);
        for (String state : new String[] {"idle", "busy", "starting", "session"}) {
            assertThat(scrape.samples("kiff_worker_sandboxes", Map.of("vm_type", "code-exec", "state", state)))
                    .as("the " + state + " gauge").hasSize(1);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(PrometheusScrape.read(port)
                .value("kiff_worker_sandboxes", Map.of("vm_type", "code-exec", "state", "idle")))
                .as("the pool refilled to its target").isEqualTo(1));
        assertThat(scrape.value("kiff_worker_pool_target", codeExec)).isEqualTo(1);
    }

    @Test
    void countsGatewayCallsAndBytesByConfiguredBindingOnly() {
        JobResult result = run(JobMessages.python("""
                import os, json, urllib.request, urllib.error
                request = urllib.request.Request(os.environ['KIFF_ML_URL'] + '/v1/models/m/predict',
                    data=json.dumps({'inputs': [1, 2]}).encode(), headers={'Content-Type': 'application/json'})
                print(json.load(urllib.request.urlopen(request, timeout=10))['echo'])
                for name in ('payments-1', 'payments-2'):
                    try:
                        urllib.request.urlopen('http://127.0.0.1:7070/' + name + '/charge', timeout=5)
                    except urllib.error.HTTPError as e:
                        print(e.code)
                """).vmType(VmType.ML_AGENT));
        assertThat(result.status()).as(result.toString()).isEqualTo(JobStatus.SUCCEEDED);

        // The audit, where calls are counted, is written in batches.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            PrometheusScrape scrape = PrometheusScrape.read(port);
            assertThat(scrape.value("kiff_gateway_calls_total",
                    Map.of("binding", "ml", "status", "200", "outcome", "forwarded"))).as(scrape.toString())
                    .isEqualTo(1);
            assertThat(scrape.value("kiff_gateway_transferred_bytes_total",
                    Map.of("binding", "ml", "direction", "request"))).as("the JSON body the sandbox sent").isEqualTo(18);
            assertThat(scrape.value("kiff_gateway_transferred_bytes_total",
                    Map.of("binding", "ml", "direction", "response"))).isPositive();
            assertThat(scrape.value("kiff_gateway_calls_total", Map.of("binding", "other")))
                    .as("names the sandbox made up are one label value").isEqualTo(2);
            assertThat(scrape.samples("kiff_gateway_calls_total", Map.of()))
                    .noneMatch(s -> s.labels().get("binding").startsWith("payments"));
        });
    }
}
