package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.api.ApiClient.Reply;
import dev.kiff.testkit.PrometheusScrape;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The API's Kiff metrics as Prometheus reads them, after real submissions of every outcome against the real broker
 * and database: the documented names and labels are there, with the counts of what happened.
 */
class ApiMetricsIT extends ApiIntegrationTest {

    private static final Duration SEEN = Duration.ofSeconds(40);

    @Test
    void countsSubmissionsByTenantVmTypeOutcomeAndRejection() {
        TestTenants.Made tenant = TestTenants.create(port, "metrics", Map.of("maxConcurrentJobs", 3));
        ApiClient api = new ApiClient(port, tenant.apiKey());
        assertThat(api.postJob(JobRequests.valid()).status()).isEqualTo(202);
        Reply keyed = api.postJob(JobRequests.valid(), "application/json", Map.of("Idempotency-Key", "metrics-1"));
        assertThat(keyed.status()).as(keyed.toString()).isEqualTo(202);
        Reply replayed = api.postJob(JobRequests.valid(), "application/json", Map.of("Idempotency-Key", "metrics-1"));
        assertThat(replayed.header("Idempotent-Replayed")).as(replayed.toString()).isEqualTo("true");
        assertThat(api.postJob(JobRequests.valid()).status()).isEqualTo(202);
        assertThat(api.postJob(JobRequests.valid()).status()).as("over maxConcurrentJobs").isEqualTo(429);
        assertThat(api.postJob(JobRequests.python("print(1)").with("vmType", "code-exec").without("code").json())
                .status()).isEqualTo(400);

        PrometheusScrape scrape = PrometheusScrape.read(port);
        Map<String, String> mine = Map.of("tenant", tenant.id(), "vm_type", "code-exec");
        assertThat(scrape.value("kiff_submissions_total", with(mine, "outcome", "accepted", "rejection", "none")))
                .as(scrape.toString()).isEqualTo(3);
        assertThat(scrape.value("kiff_submissions_total", with(mine, "outcome", "replayed", "rejection", "none")))
                .isEqualTo(1);
        assertThat(scrape.value("kiff_submissions_total",
                with(mine, "outcome", "rejected", "rejection", "quota-exceeded"))).isEqualTo(1);
        assertThat(scrape.value("kiff_submissions_total",
                with(mine, "outcome", "rejected", "rejection", "invalid-job"))).isEqualTo(1);

        assertThat(scrape.samples("http_server_requests_seconds_bucket",
                Map.of("uri", "/v1/jobs", "method", "POST", "status", "202")))
                .as("latency buckets, for percentiles across instances").hasSizeGreaterThan(10);

        await().atMost(SEEN).untilAsserted(() -> assertThat(PrometheusScrape.read(port)
                .value("kiff_queue_oldest_age_seconds", Map.of("vm_type", "code-exec")))
                .as("the accepted jobs wait QUEUED: no worker runs here").isPositive());
    }

    @Test
    void countsCancellationsByWhatTheJobWas() {
        TestTenants.Made tenant = TestTenants.create(port, "cancels", Map.of());
        ApiClient api = new ApiClient(port, tenant.apiKey());
        String queued = api.postJob(JobRequests.valid()).json().path("id").asString();
        String running = api.postJob(JobRequests.valid()).json().path("id").asString();
        standInWorker().start(running);
        Reply batch = api.post("/v1/batches", """
                {"template":{"vmType":"code-exec","language":"python","code":"print(input())"},
                 "inputs":[{"stdin":"1"},{"stdin":"2"}]}""");
        assertThat(batch.status()).as(batch.toString()).isEqualTo(202);

        assertThat(api.delete("/v1/jobs/" + queued).status()).isEqualTo(200);
        assertThat(api.delete("/v1/jobs/" + running).status()).isEqualTo(200);
        assertThat(api.delete("/v1/batches/" + batch.json().path("id").asString()).status()).isEqualTo(200);

        // The API ends a cancellation, not a worker: it is counted here, by what the job was.
        PrometheusScrape scrape = PrometheusScrape.read(port);
        Map<String, String> mine = Map.of("tenant", tenant.id(), "vm_type", "code-exec");
        assertThat(scrape.value("kiff_jobs_cancelled_total", with(mine, "was", "queued"))).as(scrape.toString())
                .isEqualTo(3);
        assertThat(scrape.value("kiff_jobs_cancelled_total", with(mine, "was", "running"))).isEqualTo(1);
    }

    @Test
    void exportsEveryWebhookResultBeforeTheFirstDelivery() {
        PrometheusScrape scrape = PrometheusScrape.read(port);
        for (String result : java.util.List.of("delivered", "retrying", "failed")) {
            assertThat(scrape.samples("kiff_webhook_deliveries_total", Map.of("result", result)))
                    .as("so that increase() sees the first one: %s", scrape).hasSize(1);
        }
    }

    @Test
    void gaugesOpenEventStreams() {
        ApiClient api = new ApiClient(port);
        Reply submitted = api.postJob(JobRequests.valid());
        String id = submitted.json().path("id").asString();
        double before = PrometheusScrape.read(port).value("kiff_sse_streams", Map.of());
        try (SseRecorder stream = SseRecorder.open(api.base(), "/v1/jobs/" + id + "/events", ApiClient.ACME_KEY)) {
            assertThat(stream.status()).isEqualTo(200);
            await().atMost(SEEN).untilAsserted(() -> assertThat(PrometheusScrape.read(port)
                    .value("kiff_sse_streams", Map.of())).isEqualTo(before + 1));
        }
        await().atMost(SEEN).untilAsserted(() -> assertThat(PrometheusScrape.read(port)
                .value("kiff_sse_streams", Map.of())).isEqualTo(before));
    }

    @Test
    void countsWebhookTriesByResult() {
        ApiClient api = new ApiClient(port);
        double retrying = PrometheusScrape.read(port).value("kiff_webhook_deliveries_total",
                Map.of("result", "retrying"));
        double delivered = PrometheusScrape.read(port).value("kiff_webhook_deliveries_total",
                Map.of("result", "delivered"));
        try (WebhookReceiver receiver = WebhookReceiver.answering(java.util.List.of(500), 200)) {
            Reply reply = api.postJob(JobRequests.python("print('hook')").with("callbackUrl", receiver.url()).json());
            assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
            standInWorker().runToSuccess(reply.json().path("id").asString(), "hook\n");

            await().atMost(SEEN).untilAsserted(() -> {
                PrometheusScrape scrape = PrometheusScrape.read(port);
                assertThat(scrape.value("kiff_webhook_deliveries_total", Map.of("result", "retrying")))
                        .as(scrape.toString()).isEqualTo(retrying + 1);
                assertThat(scrape.value("kiff_webhook_deliveries_total", Map.of("result", "delivered")))
                        .isEqualTo(delivered + 1);
            });
        }
    }

    private static Map<String, String> with(Map<String, String> labels, String k1, String v1) {
        Map<String, String> all = new java.util.HashMap<>(labels);
        all.put(k1, v1);
        return all;
    }

    private static Map<String, String> with(Map<String, String> labels, String k1, String v1, String k2, String v2) {
        Map<String, String> all = new java.util.HashMap<>(labels);
        all.put(k1, v1);
        all.put(k2, v2);
        return all;
    }
}
