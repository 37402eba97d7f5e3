package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.api.ApiClient.Reply;
import dev.kiff.model.job.JobMessage;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.VmType;
import dev.kiff.core.topic.Topics;
import dev.kiff.core.webhook.WebhookSignature;
import dev.kiff.testkit.SharedInfrastructure;
import dev.kiff.testkit.TopicRecorder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /v1/batches} against the real broker and database: all jobs of a batch stored and queued at once or none,
 * pages of its jobs, its completion (event, signed webhook) and its cancellation. A {@link StandInWorker} moves the
 * jobs as a worker would.
 */
class BatchIT extends ApiIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TOPIC = Topics.jobs(VmType.CODE_EXEC);
    private static final Duration SEEN = Duration.ofSeconds(30);

    // Opened once the first context is up: its KafkaAdmin creates the topics at start-up.
    private static TopicRecorder published;
    private static TopicRecorder results;
    private static TopicRecorder kills;
    private static TopicSize topicSize;


    private JdbcTemplate jdbc;
    private StandInWorker worker;

    @BeforeEach
    void setUp() {
        jdbc = new JdbcTemplate(dataSource);
        worker = standInWorker();
        if (published == null) {
            String bootstrap = SharedInfrastructure.kafka().bootstrapServers();
            published = new TopicRecorder(bootstrap, TOPIC);
            results = new TopicRecorder(bootstrap, Topics.RESULTS);
            kills = new TopicRecorder(bootstrap, Topics.CANCELLATIONS);
            topicSize = new TopicSize(bootstrap, TOPIC);
        }
    }

    @AfterAll
    static void close() {
        if (published != null) {
            published.close();
            results.close();
            kills.close();
            topicSize.close();
            published = null;
        }
    }

    @Test
    void acceptsAThousandJobBatchStoringEveryJobAtOnceAndQueueingEachOnce() {
        TestTenants.Made tenant = TestTenants.create(port, "thousand");
        ApiClient api = tenant.client(port);
        List<Map<String, Object>> inputs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            inputs.add(Map.of("stdin", "input-" + i, "env", Map.of("INDEX", String.valueOf(i))));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("template", JSON.readTree(JobRequests.python("import sys; print(sys.stdin.read())")
                .with("env", Map.of("MODE", "batch")).json()));
        body.put("inputs", inputs);

        Reply accepted = api.post("/v1/batches", JSON.writeValueAsString(body));

        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        String batchId = accepted.json().path("id").asString();
        assertThat(accepted.json().path("size").asInt()).isEqualTo(1000);
        assertThat(accepted.json().path("status").asString()).isEqualTo("RUNNING");
        assertThat(accepted.json().path("links").path("self").asString()).isEqualTo("/v1/batches/" + batchId);
        assertThat(accepted.header("Location")).isEqualTo("/v1/batches/" + batchId);

        // Stored in one transaction: all there when the answer comes, with one submission time.
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT id::text AS id, batch_index, status, submitted_at,"
                + " spec->>'stdin' AS stdin, spec->'env'->>'INDEX' AS idx, spec->'env'->>'MODE' AS mode"
                + " FROM jobs WHERE batch_id = ?::uuid ORDER BY batch_index", batchId);
        assertThat(rows).hasSize(1000);
        for (int i = 0; i < 1000; i++) {
            Map<String, Object> row = rows.get(i);
            assertThat(row.get("batch_index")).isEqualTo(i);
            assertThat(row.get("stdin")).isEqualTo("input-" + i);
            assertThat(row.get("idx")).isEqualTo(String.valueOf(i));
            assertThat(row.get("mode")).as("the template's env is kept").isEqualTo("batch");
            assertThat(row.get("status")).isEqualTo("QUEUED");
        }
        assertThat(rows.stream().map(r -> r.get("submitted_at")).distinct()).hasSize(1);

        JsonNode progress = api.get("/v1/batches/" + batchId).json();
        assertThat(progress.path("size").asInt()).isEqualTo(1000);
        assertThat(progress.path("status").asString()).isEqualTo("RUNNING");
        assertThat(progress.path("counts").path("QUEUED").asInt()).isEqualTo(1000);
        assertThat(progress.path("counts").path("SUCCEEDED").asInt()).isZero();
        assertThat(progress.path("ended").asInt()).isZero();
        assertThat(progress.path("completedAt").isNull()).isTrue();
        assertThat(api.get("/v1/tenant").json().path("usage").path("activeJobs").asInt()).isEqualTo(1000);

        Set<String> ids = new HashSet<>();
        rows.forEach(r -> ids.add((String) r.get("id")));
        // Marked published only after their records were acknowledged, and never published again once marked: with
        // every one marked and the topic read to its end, the records seen are all there will be.
        await().atMost(SEEN).until(() -> new JobRows(dataSource).unpublishedInBatch(batchId) == 0);
        published.readToEnd(SEEN);
        List<ConsumerRecord<String, byte[]>> records = published.records(r -> ids.contains(r.key()));
        assertThat(records).hasSize(1000);
        assertThat(records.stream().map(ConsumerRecord::key).distinct()).hasSize(1000);
        assertThat(records).allSatisfy(r -> {
            JobMessage message = codec.readMessage(r.value());
            assertThat(message.batchId()).isEqualTo(batchId);
            assertThat(message.id()).isEqualTo(r.key());
            assertThat(message.tenant()).isEqualTo(tenant.id());
        });
    }

    static Stream<Arguments> batchesWithOneInvalidJob() {
        String good = JobRequests.valid();
        String cobol = JobRequests.python("print(1)").with("language", "cobol").json();
        String noCode = JobRequests.python("print(1)").without("code").json();
        String template = JobRequests.valid();
        return Stream.of(
                Arguments.of("an unknown language in the third job",
                        "{\"jobs\":[" + good + "," + good + "," + cobol + "," + good + "]}", "jobs[2].language"),
                Arguments.of("no code in the second job",
                        "{\"jobs\":[" + good + "," + noCode + "," + good + "]}", "jobs[1].code"),
                Arguments.of("an input naming a file outside the workspace",
                        "{\"template\":" + template + ",\"inputs\":[{\"stdin\":\"a\"},"
                                + "{\"files\":{\"../escape.txt\":\"x\"}}]}", "inputs[1].files[\"../escape.txt\"]"),
                Arguments.of("an invalid batch callbackUrl",
                        "{\"jobs\":[" + good + "],\"callbackUrl\":\"ftp://example.com/hook\"}", "callbackUrl"),
                Arguments.of("no jobs at all", "{\"jobs\":[]}", "jobs"));
    }

    @ParameterizedTest(name = "{0} -> 400 naming {2}")
    @MethodSource("batchesWithOneInvalidJob")
    void refusesABatchWithAnInvalidJobNamingItAndStoresAndQueuesNothing(String what, String body, String field) {
        long jobsBefore = new JobRows(dataSource).count();
        long batchesBefore = jdbc.queryForObject("SELECT count(*) FROM batches", Long.class);
        long recordsBefore = topicSize.records();

        Reply reply = new ApiClient(port).post("/v1/batches", body);

        assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.json().path("type").asString()).isEqualTo("urn:kiff:problem:invalid-job");
        assertThat(reply.json().path("field").asString()).as(reply.toString()).isEqualTo(field);
        assertThat(reply.json().path("errors").valueStream().map(e -> e.path("field").asString()))
                .as(reply.toString()).contains(field);
        assertThat(new JobRows(dataSource).count()).isEqualTo(jobsBefore);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM batches", Long.class)).isEqualTo(batchesBefore);
        // Nothing stored, so nothing the dispatcher could publish later; the request's own publish would have been
        // acknowledged before its answer. The topic's size now is final.
        assertThat(topicSize.records()).isEqualTo(recordsBefore);
    }

    @Test
    void pagesThroughABatchsJobsInSubmissionOrderWithACursorAndAStatusFilter() {
        ApiClient api = new ApiClient(port);
        String batchId = submitBatch(api, 5, null);
        List<String> inOrder = jdbc.queryForList("SELECT id::text FROM jobs WHERE batch_id = ?::uuid"
                + " ORDER BY batch_index", String.class, batchId);

        List<List<String>> pages = pages(api, "/v1/batches/" + batchId + "/jobs?limit=2");

        assertThat(pages).extracting(List::size).containsExactly(2, 2, 1);
        assertThat(pages.stream().flatMap(List::stream).toList()).containsExactlyElementsOf(inOrder);

        StandInWorker.Run second = worker.start(inOrder.get(1));
        worker.start(inOrder.get(3)).exit(1);
        assertThat(pages(api, "/v1/batches/" + batchId + "/jobs?status=RUNNING").stream().flatMap(List::stream))
                .containsExactly(inOrder.get(1));
        assertThat(pages(api, "/v1/batches/" + batchId + "/jobs?status=failed").stream().flatMap(List::stream))
                .containsExactly(inOrder.get(3));
        List<List<String>> queued = pages(api, "/v1/batches/" + batchId + "/jobs?status=QUEUED&limit=1");
        assertThat(queued.stream().flatMap(List::stream))
                .containsExactly(inOrder.get(0), inOrder.get(2), inOrder.get(4));
        JsonNode page = api.get("/v1/batches/" + batchId + "/jobs?status=FAILED").json();
        assertThat(page.path("items").get(0).path("status").asString()).isEqualTo("FAILED");
        assertThat(page.path("items").get(0).path("batchId").asString()).isEqualTo(batchId);
        second.succeed();

        for (String bad : List.of("status=DONE", "limit=0", "limit=1001", "cursor=not-a-cursor")) {
            Reply refused = api.get("/v1/batches/" + batchId + "/jobs?" + bad);
            assertThat(refused.status()).as(bad + ": " + refused).isEqualTo(400);
            assertThat(refused.json().path("field").asString()).isEqualTo(bad.substring(0, bad.indexOf('=')));
        }
    }

    @Test
    void completesABatchWhenItsLastJobEndsAnnouncingItOnTheStreamAndInOneSignedWebhook() {
        TestTenants.Made tenant = TestTenants.create(port, "complete");
        ApiClient api = tenant.client(port);
        ListenersReady.hear(live, kafka, codec);
        String secret = api.get("/v1/tenant").json().path("webhookSecret").asString();
        try (WebhookReceiver receiver = WebhookReceiver.answering(200);
                SseRecorder stream = SseRecorder.open(api.base(), "/v1/events", tenant.apiKey())) {
            assertThat(stream.status()).isEqualTo(200);
            String batchId = submitBatch(api, 3, receiver.url());
            List<String> ids = jdbc.queryForList("SELECT id::text FROM jobs WHERE batch_id = ?::uuid"
                    + " ORDER BY batch_index", String.class, batchId);

            worker.runToSuccess(ids.get(0), "one\n");
            worker.start(ids.get(1)).stderr("boom\n").exit(1);
            assertThat(api.get("/v1/batches/" + batchId).json().path("status").asString())
                    .as("one job still queued").isEqualTo("RUNNING");
            worker.runToSuccess(ids.get(2), "three\n");

            await().atMost(SEEN).until(() -> api.get("/v1/batches/" + batchId).json().path("status").asString()
                    .equals("COMPLETED"));
            JsonNode batch = api.get("/v1/batches/" + batchId).json();
            assertThat(batch.path("counts").path("SUCCEEDED").asInt()).isEqualTo(2);
            assertThat(batch.path("counts").path("FAILED").asInt()).isEqualTo(1);
            assertThat(batch.path("counts").path("QUEUED").asInt()).isZero();
            assertThat(batch.path("ended").asInt()).isEqualTo(3);
            assertThat(batch.path("progress").asDouble()).isEqualTo(1.0);
            assertThat(batch.path("completedAt").isString()).as(batch.toString()).isTrue();
            assertThat(batch.path("callbackUrl").asString()).isEqualTo(receiver.url());

            // One delivery per batch and event (a unique index), and a delivery is marked DELIVERED only after the
            // receiver answered, never sent again after: once it is, the receiver has had every request it will get.
            await().atMost(SEEN).until(() -> "DELIVERED".equals(batchDeliveryStatus(batchId)));
            assertThat(receiver.received()).hasSize(1);
            WebhookReceiver.Received hook = receiver.received().get(0);
            assertThat(hook.method()).isEqualTo("POST");
            assertThat(hook.header("Kiff-Event")).isEqualTo("batch.completed");
            assertThat(hook.header("Content-Type")).startsWith("application/json");
            long timestamp = Long.parseLong(hook.header("Kiff-Timestamp"));
            assertThat(Math.abs(Instant.now().getEpochSecond() - timestamp)).isLessThan(300);
            assertThat(hook.header("Kiff-Signature")).as("signed with the tenant's secret")
                    .isEqualTo(WebhookSignature.sign(secret, timestamp, hook.body()));
            JsonNode delivered = hook.json();
            assertThat(delivered.path("type").asString()).isEqualTo("batch.completed");
            assertThat(delivered.path("id").asString()).isEqualTo(hook.header("Kiff-Delivery"));
            assertThat(delivered.path("createdAt").isString()).isTrue();
            assertThat(delivered.path("data").path("id").asString()).isEqualTo(batchId);
            assertThat(delivered.path("data").path("status").asString()).isEqualTo("COMPLETED");
            assertThat(delivered.path("data").path("counts")).isEqualTo(batch.path("counts"));

            JsonNode deliveries = api.get("/v1/batches/" + batchId + "/webhooks").json().path("items");
            assertThat(deliveries.size()).isEqualTo(1);
            assertThat(deliveries.get(0).path("event").asString()).isEqualTo("batch.completed");
            assertThat(deliveries.get(0).path("status").asString()).isEqualTo("DELIVERED");
            assertThat(deliveries.get(0).path("id").asString()).isEqualTo(hook.header("Kiff-Delivery"));

            await().atMost(SEEN).until(() -> !stream.events("batch").isEmpty());
            assertThat(stream.events("batch")).allSatisfy(event -> {
                assertThat(event.data().path("id").asString()).isEqualTo(batchId);
                assertThat(event.data().path("status").asString()).isEqualTo("COMPLETED");
                assertThat(event.data().path("counts")).isEqualTo(batch.path("counts"));
            });
            await().atMost(SEEN).untilAsserted(() -> assertThat(stream.events("result"))
                    .extracting(e -> e.data().path("id").asString()).containsExactlyInAnyOrderElementsOf(ids));
        }
    }

    @Test
    void cancelsABatchSoThatItsQueuedJobsNeverStartAndItsRunningJobIsKilled() {
        ApiClient api = new ApiClient(port);
        String batchId = submitBatch(api, 3, null);
        List<String> ids = jdbc.queryForList("SELECT id::text FROM jobs WHERE batch_id = ?::uuid"
                + " ORDER BY batch_index", String.class, batchId);
        String running = ids.get(1);
        StandInWorker.Run run = worker.start(running);
        run.stdout("working\n");

        Reply cancelled = api.delete("/v1/batches/" + batchId);

        assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
        assertThat(cancelled.json().path("id").asString()).isEqualTo(batchId);
        assertThat(cancelled.json().path("counts").path("CANCELLED").asInt()).isEqualTo(3);
        assertThat(cancelled.json().path("counts").path("QUEUED").asInt()).isZero();
        assertThat(cancelled.json().path("counts").path("RUNNING").asInt()).isZero();
        assertThat(cancelled.json().path("cancelledAt").isString()).as(cancelled.toString()).isTrue();
        for (String id : ids) {
            JsonNode job = api.get("/v1/jobs/" + id).json();
            assertThat(job.path("status").asString()).isEqualTo("CANCELLED");
            assertThat(job.path("message").asString()).isEqualTo("cancelled by the client");
        }
        for (String queued : List.of(ids.get(0), ids.get(2))) {
            assertThat(jobs.markRunning(UUID.fromString(queued), "worker-late", Instant.now()))
                    .as("a worker taking the record later cannot start it").isEmpty();
        }
        await().atMost(SEEN).until(() -> !kills.recordsWithKey(running).isEmpty());
        assertThat(kills.recordsWithKey(ids.get(0))).as("never ran: nothing to kill").isEmpty();
        assertThat(kills.recordsWithKey(ids.get(2))).isEmpty();
        for (String id : ids) {
            await().atMost(SEEN).until(() -> results.recordsWithKey(id).stream()
                    .anyMatch(r -> codec.readResult(r.value()).status() == JobStatus.CANCELLED));
        }
        JobResult late = run.succeed();
        assertThat(late.status()).as("the killed run cannot overwrite the cancellation")
                .isEqualTo(JobStatus.CANCELLED);
        await().atMost(SEEN).until(() -> api.get("/v1/batches/" + batchId).json().path("status").asString()
                .equals("COMPLETED"));
        assertThat(api.delete("/v1/batches/" + batchId).json().path("counts").path("CANCELLED").asInt())
                .as("cancelling again changes nothing").isEqualTo(3);
    }

    /** Submits {@code size} python jobs as one batch (jobs form) and answers its id. */
    private static String submitBatch(ApiClient api, int size, String callbackUrl) {
        List<Object> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            members.add(JSON.readTree(JobRequests.python("print(" + i + ")").json()));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jobs", members);
        if (callbackUrl != null) {
            body.put("callbackUrl", callbackUrl);
        }
        Reply accepted = api.post("/v1/batches", JSON.writeValueAsString(body));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        return accepted.json().path("id").asString();
    }

    /** Every page of a listing, following {@code nextCursor} until it is null; the job ids of each page. */
    private static List<List<String>> pages(ApiClient api, String first) {
        List<List<String>> pages = new ArrayList<>();
        String cursor = null;
        do {
            Reply page = api.get(first + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            List<String> ids = new ArrayList<>();
            page.json().path("items").forEach(item -> ids.add(item.path("id").asString()));
            pages.add(ids);
            JsonNode next = page.json().path("nextCursor");
            cursor = next.isNull() ? null : next.asString();
            assertThat(pages).as("pages of " + first).hasSizeLessThan(50);
        } while (cursor != null);
        return pages;
    }

    /** The status of the batch's completion webhook delivery; null while there is none. */
    private String batchDeliveryStatus(String batchId) {
        return jdbc.queryForList("SELECT status FROM webhook_deliveries WHERE batch_id = ?::uuid AND job_id IS NULL",
                String.class, batchId).stream().findFirst().orElse(null);
    }
}
