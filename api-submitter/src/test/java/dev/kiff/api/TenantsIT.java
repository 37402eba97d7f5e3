package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.api.ApiClient.Reply;
import dev.kiff.model.job.JobStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tenants against the real database and broker: who a key belongs to, what the admin key may do, that a tenant
 * never sees (nor learns of) another's jobs and batches, its quotas, and its dead letters.
 */
class TenantsIT extends ApiIntegrationTest {

    private static final String PROBLEM_JSON = "application/problem+json";
    private static final JsonMapper JSON = JsonMapper.builder().build();


    private JdbcTemplate jdbc;

    @BeforeEach
    void setUp() {
        jdbc = new JdbcTemplate(dataSource);
    }

    @Test
    void refusesARequestWithoutAKeyOrWithAnUnknownKeyWith401AndWwwAuthenticate() {
        String code = "print('unauthorized " + UUID.randomUUID() + "')";
        for (ApiClient stranger : List.of(new ApiClient(port, null), new ApiClient(port, "kiff_" + UUID.randomUUID()))) {
            List<Reply> replies = List.of(
                    stranger.get("/v1/tenant"),
                    stranger.postJob(JobRequests.python(code).json()),
                    stranger.get("/v1/jobs/" + UUID.randomUUID()),
                    stranger.get("/v1/dlq"),
                    stranger.post("/v1/batches", "{\"jobs\":[" + JobRequests.python(code).json() + "]}"),
                    stranger.get("/v1/events", Map.of("Accept", "text/event-stream")));
            for (Reply reply : replies) {
                assertThat(reply.status()).as(reply.toString()).isEqualTo(401);
                assertThat(reply.contentType()).as(reply.toString()).startsWith(PROBLEM_JSON);
                assertThat(reply.header("WWW-Authenticate")).as(reply.toString()).startsWith("Bearer");
                assertThat(reply.json().path("type").asString()).isEqualTo("urn:kiff:problem:unauthorized");
                assertThat(reply.json().path("status").asInt()).isEqualTo(401);
            }
        }
        assertThat(new JobRows(dataSource).withCode(code)).as("nothing stored for a stranger").isEmpty();
    }

    @Test
    void adminCreatesATenantWhoseKeyWorksAndIsStoredOnlyAsItsSha256() {
        String name = TestTenants.uniqueName("made");

        Reply created = TestTenants.createRaw(port, ApiClient.ADMIN_KEY, name,
                Map.of("maxConcurrentJobs", 7, "submissionsPerSecond", 3));

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode answer = created.json();
        String key = answer.path("apiKey").asString();
        assertThat(answer.path("id").asString()).isEqualTo(name);
        assertThat(answer.path("name").asString()).isEqualTo(name);
        assertThat(key).startsWith("kiff_").hasSizeGreaterThan(40);
        assertThat(answer.path("webhookSecret").asString()).startsWith("whsec_");
        assertThat(answer.path("quotas").path("maxConcurrentJobs").asInt()).isEqualTo(7);
        assertThat(answer.path("quotas").path("submissionsPerSecond").asInt()).isEqualTo(3);
        assertThat(answer.path("quotas").path("maxBatchSize").asInt()).as("left out: the default").isEqualTo(10_000);

        Reply tenant = new ApiClient(port, key).get("/v1/tenant");
        assertThat(tenant.status()).as(tenant.toString()).isEqualTo(200);
        assertThat(tenant.json().path("id").asString()).isEqualTo(name);
        assertThat(tenant.json().path("webhookSecret").asString()).isEqualTo(answer.path("webhookSecret").asString());
        assertThat(tenant.json().path("quotas")).isEqualTo(answer.path("quotas"));
        assertThat(tenant.json().path("usage").path("activeJobs").asInt()).isZero();
        assertThat(tenant.body()).doesNotContain(key);

        List<Map<String, Object>> keys = jdbc.queryForList("SELECT * FROM api_keys WHERE tenant = ?", name);
        assertThat(keys).singleElement().satisfies(row -> {
            assertThat(row.get("key_hash")).isEqualTo(sha256Hex(key));
            assertThat(row.values()).allSatisfy(value -> assertThat(String.valueOf(value)).doesNotContain(key));
        });
        Map<String, Object> tenantRow = jdbc.queryForMap("SELECT * FROM tenants WHERE id = ?", name);
        assertThat(tenantRow.values()).allSatisfy(value -> assertThat(String.valueOf(value)).doesNotContain(key));
    }

    @Test
    void aTenantKeyCannotUseTheAdminApi() {
        String name = TestTenants.uniqueName("not-made");
        TestTenants.Made other = TestTenants.create(port, "other");

        for (String key : new String[] {ApiClient.ACME_KEY, other.apiKey(), null, "kiff_test_admin_key_not"}) {
            Reply refused = TestTenants.createRaw(port, key, name, null);
            assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
            assertThat(refused.contentType()).startsWith(PROBLEM_JSON);
            assertThat(refused.header("WWW-Authenticate")).startsWith("Bearer");
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM tenants WHERE id = ?", Long.class, name)).isZero();
        // The admin key is not a tenant's key either.
        assertThat(new ApiClient(port, ApiClient.ADMIN_KEY).get("/v1/tenant").status()).isEqualTo(401);
    }

    @Test
    void refusesATenantNameThatIsTakenWith409AndKeepsTheFirstTenant() {
        TestTenants.Made first = TestTenants.create(port, "twice");

        Reply again = TestTenants.createRaw(port, ApiClient.ADMIN_KEY, first.id(), Map.of("maxBatchSize", 1));

        assertThat(again.status()).as(again.toString()).isEqualTo(409);
        assertThat(again.contentType()).startsWith(PROBLEM_JSON);
        assertThat(again.json().path("type").asString()).isEqualTo("urn:kiff:problem:tenant-exists");
        assertThat(again.body()).doesNotContain("kiff_");
        Reply tenant = first.client(port).get("/v1/tenant");
        assertThat(tenant.status()).isEqualTo(200);
        assertThat(tenant.json().path("webhookSecret").asString()).isEqualTo(first.webhookSecret());
        assertThat(tenant.json().path("quotas").path("maxBatchSize").asInt()).isEqualTo(10_000);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM api_keys WHERE tenant = ?", Long.class, first.id()))
                .isEqualTo(1);
    }

    @Test
    void refusesAnInvalidTenantNameOrQuotaNamingTheField() {
        Reply badName = TestTenants.createRaw(port, ApiClient.ADMIN_KEY, "Not A Name", null);
        // A dot would pass a looser check here, but the workers refuse jobs whose tenant carries one.
        Reply dotted = TestTenants.createRaw(port, ApiClient.ADMIN_KEY, TestTenants.uniqueName("team.eu"), null);
        Reply badQuota = TestTenants.createRaw(port, ApiClient.ADMIN_KEY, TestTenants.uniqueName("zero"),
                Map.of("maxConcurrentJobs", 0));

        assertThat(badName.status()).as(badName.toString()).isEqualTo(400);
        assertThat(badName.json().path("field").asString()).isEqualTo("name");
        assertThat(dotted.status()).as(dotted.toString()).isEqualTo(400);
        assertThat(badQuota.status()).as(badQuota.toString()).isEqualTo(400);
        assertThat(badQuota.json().path("field").asString()).isEqualTo("quotas");
    }

    @Test
    void anotherTenantGets404NotForbiddenForAJobAndABatchItDoesNotOwn() {
        TestTenants.Made owner = TestTenants.create(port, "owner");
        TestTenants.Made stranger = TestTenants.create(port, "stranger");
        ApiClient mine = owner.client(port);
        ApiClient theirs = stranger.client(port);
        String job = mine.postJob(JobRequests.valid()).json().path("id").asString();
        Reply batchAccepted = mine.post("/v1/batches", "{\"jobs\":[" + JobRequests.valid() + "]}");
        assertThat(batchAccepted.status()).as(batchAccepted.toString()).isEqualTo(202);
        String batch = batchAccepted.json().path("id").asString();

        Map<String, Reply> replies = new LinkedHashMap<>();
        replies.put("GET job", theirs.get("/v1/jobs/" + job));
        replies.put("GET job ?wait", theirs.get("/v1/jobs/" + job + "?wait=2s"));
        replies.put("DELETE job", theirs.delete("/v1/jobs/" + job));
        replies.put("GET events", theirs.get("/v1/jobs/" + job + "/events", Map.of("Accept", "text/event-stream")));
        replies.put("GET logs", theirs.get("/v1/jobs/" + job + "/logs"));
        replies.put("GET artifacts", theirs.get("/v1/jobs/" + job + "/artifacts"));
        replies.put("GET an artifact", theirs.get("/v1/jobs/" + job + "/artifacts/out.csv"));
        replies.put("GET webhooks", theirs.get("/v1/jobs/" + job + "/webhooks"));
        replies.put("GET batch", theirs.get("/v1/batches/" + batch));
        replies.put("GET batch jobs", theirs.get("/v1/batches/" + batch + "/jobs"));
        replies.put("GET batch webhooks", theirs.get("/v1/batches/" + batch + "/webhooks"));
        replies.put("DELETE batch", theirs.delete("/v1/batches/" + batch));

        SoftAssertions softly = new SoftAssertions();
        replies.forEach((what, reply) -> {
            softly.assertThat(reply.status()).as(what + ": " + reply).isEqualTo(404);
            softly.assertThat(reply.contentType()).as(what + ": " + reply).startsWith(PROBLEM_JSON);
            softly.assertThat(reply.body()).as(what + " tells nothing of the job").doesNotContain(owner.id());
        });
        softly.assertAll();
        // The same answer as for an id nobody has: nothing tells the stranger the job exists.
        Reply unknown = theirs.get("/v1/jobs/" + UUID.randomUUID());
        assertThat(replies.get("GET job").json().path("type")).isEqualTo(unknown.json().path("type"));
        assertThat(mine.get("/v1/jobs/" + job).json().path("status").asString()).isEqualTo("QUEUED");
        JsonNode stillMine = mine.get("/v1/batches/" + batch).json();
        assertThat(stillMine.path("counts").path("QUEUED").asInt()).isEqualTo(1);
        assertThat(stillMine.path("cancelledAt").isNull()).as(stillMine.toString()).isTrue();
    }

    @Test
    void refusesTheThirdSubmissionWithinASecondOverSubmissionsPerSecondAndStoresNothingOfIt() {
        TestTenants.Made tenant = TestTenants.create(port, "rate", Map.of("submissionsPerSecond", 2));
        ApiClient api = tenant.client(port);
        assertThat(api.get("/v1/tenant").status()).isEqualTo(200); // the key is known before the clock matters
        String marker = UUID.randomUUID().toString();

        List<Reply> replies = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            replies.add(api.postJob(JobRequests.python("print('" + marker + " " + i + "')").json()));
        }

        assertThat(replies.get(0).status()).as(replies.get(0).toString()).isEqualTo(202);
        assertThat(replies.get(1).status()).as(replies.get(1).toString()).isEqualTo(202);
        Reply third = replies.get(2);
        assertThat(third.status()).as(third.toString()).isEqualTo(429);
        assertThat(third.contentType()).startsWith(PROBLEM_JSON);
        assertThat(third.json().path("type").asString()).isEqualTo("urn:kiff:problem:quota-exceeded");
        assertThat(third.json().path("quota").asString()).isEqualTo("submissionsPerSecond");
        assertThat(Integer.parseInt(third.header("Retry-After"))).isGreaterThanOrEqualTo(1);
        assertThat(new JobRows(dataSource).withCode("print('" + marker + " 3')")).isEmpty();
        assertThat(jobsOf(tenant.id())).isEqualTo(2);
        // A rate, not a ban: once a token is back, the tenant submits again.
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300))
                .until(() -> api.postJob(JobRequests.python("print('" + marker + " later')").json()).status() == 202);
    }

    @Test
    void refusesAJobOverMaxConcurrentJobsUntilOneEnds() {
        TestTenants.Made tenant = TestTenants.create(port, "busy", Map.of("maxConcurrentJobs", 2));
        ApiClient api = tenant.client(port);
        String first = api.postJob(JobRequests.valid()).json().path("id").asString();
        assertThat(api.postJob(JobRequests.valid()).status()).isEqualTo(202);
        jobs.markRunning(UUID.fromString(first), "worker-busy", Instant.now()); // running counts as well
        String marker = "print('over " + UUID.randomUUID() + "')";

        Reply third = api.postJob(JobRequests.python(marker).json());

        assertThat(third.status()).as(third.toString()).isEqualTo(429);
        assertThat(third.json().path("quota").asString()).isEqualTo("maxConcurrentJobs");
        assertThat(Integer.parseInt(third.header("Retry-After"))).isGreaterThanOrEqualTo(1);
        assertThat(new JobRows(dataSource).withCode(marker)).isEmpty();
        assertThat(jobsOf(tenant.id())).isEqualTo(2);
        assertThat(api.get("/v1/tenant").json().path("usage").path("activeJobs").asInt()).isEqualTo(2);

        assertThat(api.delete("/v1/jobs/" + first).status()).isEqualTo(200);
        Reply batchOfTwo = api.post("/v1/batches", "{\"jobs\":[" + JobRequests.valid() + "," + JobRequests.valid() + "]}");
        assertThat(batchOfTwo.status()).as("a batch counts all its jobs: " + batchOfTwo).isEqualTo(429);
        assertThat(batchOfTwo.json().path("quota").asString()).isEqualTo("maxConcurrentJobs");
        Reply afterOneEnded = api.postJob(JobRequests.python(marker).json());
        assertThat(afterOneEnded.status()).as(afterOneEnded.toString()).isEqualTo(202);
    }

    @Test
    void holdsMaxConcurrentJobsUnderParallelSubmissions() throws Exception {
        TestTenants.Made tenant = TestTenants.create(port, "racing",
                Map.of("maxConcurrentJobs", 3, "submissionsPerSecond", 1000));
        ApiClient api = tenant.client(port);
        ExecutorService clients = Executors.newFixedThreadPool(10);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(clients.submit(() -> api.postJob(JobRequests.valid()).status()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get(60, TimeUnit.SECONDS));
            }
            assertThat(statuses).filteredOn(status -> status == 202).hasSize(3);
            assertThat(statuses).filteredOn(status -> status == 429).hasSize(17);
        } finally {
            clients.shutdownNow();
        }
        assertThat(jobsOf(tenant.id())).isEqualTo(3);
    }

    @Test
    void refusesABatchOverMaxBatchSizeAndStoresNothingOfIt() {
        TestTenants.Made tenant = TestTenants.create(port, "small", Map.of("maxBatchSize", 5));
        ApiClient api = tenant.client(port);

        Reply six = api.post("/v1/batches", batchOf(6));

        assertThat(six.status()).as(six.toString()).isEqualTo(429);
        assertThat(six.contentType()).startsWith(PROBLEM_JSON);
        assertThat(six.json().path("quota").asString()).isEqualTo("maxBatchSize");
        assertThat(Integer.parseInt(six.header("Retry-After"))).isGreaterThanOrEqualTo(1);
        assertThat(jobsOf(tenant.id())).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM batches WHERE tenant = ?", Long.class, tenant.id()))
                .isZero();
        Reply five = api.post("/v1/batches", batchOf(5));
        assertThat(five.status()).as(five.toString()).isEqualTo(202);
        assertThat(jobsOf(tenant.id())).isEqualTo(5);
    }

    @Test
    void listsAJobThatRanOutOfAttemptsInTheDeadLetterQueueWithEveryAttemptAndReason() {
        TestTenants.Made tenant = TestTenants.create(port, "dlq");
        ApiClient api = tenant.client(port);
        UUID id = UUID.fromString(api.postJob(JobRequests.python("print('doomed')")
                .with("retry", Map.of("maxAttempts", 2)).json()).json().path("id").asString());
        String healthy = api.postJob(JobRequests.valid()).json().path("id").asString();

        assertThat(jobs.markRunning(id, "worker-1", Instant.now())).hasValue(1);
        assertThat(jobs.requeue(id, JobStatus.QUEUED, "worker-1 stopped heartbeating", Instant.now())).isTrue();
        assertThat(jobs.markRunning(id, "worker-2", Instant.now())).hasValue(2);
        assertThat(jobs.requeue(id, JobStatus.QUEUED, "docker daemon unreachable", Instant.now())).isTrue();
        assertThat(jobs.markRunning(id, "worker-3", Instant.now())).as("no attempt left").isEmpty();
        assertThat(jobs.deadLetter(id, "2 attempts used up", Instant.now())).isTrue();

        Reply dlq = api.get("/v1/dlq");

        assertThat(dlq.status()).as(dlq.toString()).isEqualTo(200);
        JsonNode items = dlq.json().path("items");
        assertThat(items.size()).as(dlq.toString()).isEqualTo(1);
        JsonNode item = items.get(0);
        assertThat(item.path("jobId").asString()).isEqualTo(id.toString());
        assertThat(item.path("vmType").asString()).isEqualTo("code-exec");
        assertThat(item.path("reason").asString()).contains("2 attempts used up");
        assertThat(item.path("deadLetteredAt").isString()).as(item.toString()).isTrue();
        JsonNode attempts = item.path("attempts");
        assertThat(attempts.size()).isEqualTo(2);
        assertThat(attempts.get(0).path("attempt").asInt()).isEqualTo(1);
        assertThat(attempts.get(0).path("workerId").asString()).isEqualTo("worker-1");
        assertThat(attempts.get(0).path("reason").asString()).isEqualTo("worker-1 stopped heartbeating");
        assertThat(attempts.get(0).path("finishedAt").isString()).isTrue();
        assertThat(attempts.get(1).path("attempt").asInt()).isEqualTo(2);
        assertThat(attempts.get(1).path("workerId").asString()).isEqualTo("worker-2");
        assertThat(attempts.get(1).path("reason").asString()).isEqualTo("docker daemon unreachable");
        assertThat(dlq.json().path("nextCursor").isNull()).isTrue();
        assertThat(dlq.body()).doesNotContain(healthy);

        JsonNode job = api.get("/v1/jobs/" + id).json();
        assertThat(job.path("status").asString()).isEqualTo("ERROR");
        assertThat(job.path("deadLettered").asBoolean()).isTrue();
        assertThat(new ApiClient(port).get("/v1/dlq?limit=500").body()).as("not in another tenant's queue")
                .doesNotContain(id.toString());
    }

    @Test
    void pagesThroughTheDeadLetterQueueWithACursor() {
        TestTenants.Made tenant = TestTenants.create(port, "dlq-pages");
        ApiClient api = tenant.client(port);
        List<String> dead = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            UUID id = UUID.fromString(api.postJob(JobRequests.python("print(" + i + ")")
                    .with("retry", Map.of("maxAttempts", 1)).json()).json().path("id").asString());
            jobs.markRunning(id, "worker-1", Instant.now());
            jobs.requeue(id, JobStatus.QUEUED, "lost", Instant.now());
            assertThat(jobs.deadLetter(id, "out of attempts", Instant.now())).isTrue();
            dead.add(id.toString());
        }

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Reply page = api.get("/v1/dlq?limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            page.json().path("items").forEach(item -> seen.add(item.path("jobId").asString()));
            cursor = page.json().path("nextCursor").isNull() ? null : page.json().path("nextCursor").asString();
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(seen).containsExactlyElementsOf(dead);
        assertThat(pages).isEqualTo(2);
        assertThat(api.get("/v1/dlq?cursor=bogus").json().path("field").asString()).isEqualTo("cursor");
    }

    @Test
    void servesTheOpenApiDocumentWithoutAKey() {
        Reply reply = new ApiClient(port, null).get("/v1/openapi.json");

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("application/json");
        JsonNode document = reply.json();
        assertThat(document.path("openapi").asString()).startsWith("3.");
        assertThat(document.path("paths").propertyNames()).contains("/v1/jobs", "/v1/jobs/{id}", "/v1/batches",
                "/v1/admin/tenants");
    }

    private long jobsOf(String tenant) {
        return jdbc.queryForObject("SELECT count(*) FROM jobs WHERE tenant = ?", Long.class, tenant);
    }

    private static String batchOf(int size) {
        List<Object> inputs = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            inputs.add(Map.of("stdin", "input " + i));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("template", JSON.readTree(JobRequests.valid()));
        body.put("inputs", inputs);
        return JSON.writeValueAsString(body);
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
