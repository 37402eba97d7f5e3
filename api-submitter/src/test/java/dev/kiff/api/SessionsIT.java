package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.api.ApiClient.Reply;
import dev.kiff.core.session.SessionStore;
import dev.kiff.model.session.SessionOp;
import dev.kiff.testkit.SharedInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * {@code /v1/sessions} against the real broker and database, with a {@link StandInSessionWorker} as the worker side:
 * it answers opens with READY and runs with results through the real {@link SessionStore}.
 */
@TestPropertySource(properties = {"kiff.sessions.lost-after=2s", "kiff.sessions.tick=200ms"})
class SessionsIT extends ApiIntegrationTest {

    private static final Duration SEEN = Duration.ofSeconds(30);
    private static final String CREATE = "{\"vmType\":\"code-exec\"}";
    private static final String RUN = "{\"language\":\"python\",\"code\":\"x = 1\"}";
    private static final Set<String> TENANTS = ConcurrentHashMap.newKeySet();
    private static StandInSessionWorker worker;

    @Autowired
    SessionStore store;

    private TestTenants.Made tenant;
    private ApiClient api;

    @BeforeEach
    void tenantAndWorker() {
        if (worker == null) {
            worker = new StandInSessionWorker(SharedInfrastructure.kafka().bootstrapServers(), store,
                    standInWorker(), codec, clock, TENANTS);
        }
        tenant = TestTenants.create(port, "sessions");
        TENANTS.add(tenant.id());
        api = tenant.client(port);
    }

    @AfterAll
    static void stopWorker() throws InterruptedException {
        if (worker != null) {
            worker.close();
        }
    }

    private UUID createReady(ApiClient client) {
        Reply created = client.post("/v1/sessions?wait=20s", CREATE);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return UUID.fromString(created.json().path("id").asString());
    }

    @Test
    void createAnswersReady() {
        Reply created = api.post("/v1/sessions?wait=20s", CREATE);

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().path("state").asString()).isEqualTo("READY");
        assertThat(created.json().path("workerId").asString()).isEqualTo(worker.workerId());
        assertThat(created.json().path("transitions").valueStream().map(t -> t.path("state").asString()).toList())
                .containsExactly("CREATING", "READY");
        assertThat(created.json().path("expiresAt").isNull()).isFalse();
        assertThat(created.header("Location")).isEqualTo("/v1/sessions/" + created.json().path("id").asString());
    }

    @Test
    void runAnswersItsResultAndTheSessionTakesTheNext() {
        UUID session = createReady(api);

        Reply first = api.post("/v1/sessions/" + session + "/runs?wait=20s", RUN);
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(first.json().path("status").asString()).isEqualTo("SUCCEEDED");
        Reply second = api.post("/v1/sessions/" + session + "/runs?wait=20s", RUN);
        assertThat(second.status()).as("the session was IDLE before the first result was out: " + second)
                .isEqualTo(200);

        Reply view = api.get("/v1/sessions/" + session);
        assertThat(view.json().path("state").asString()).isEqualTo("IDLE");
        assertThat(view.json().path("runs").asInt()).isEqualTo(2);
    }

    @Test
    void secondRunWhileBusyIs409() {
        UUID session = createReady(api);
        worker.hold(session);

        Reply first = api.post("/v1/sessions/" + session + "/runs?wait=0s", RUN);
        assertThat(first.status()).as(first.toString()).isEqualTo(202);
        Reply second = api.post("/v1/sessions/" + session + "/runs?wait=0s", RUN);

        assertThat(second.status()).as(second.toString()).isEqualTo(409);
        assertThat(second.json().path("type").asString()).isEqualTo("urn:kiff:problem:session-busy");
        assertThat(second.json().path("currentRun").asString()).isEqualTo(first.json().path("id").asString());
        assertThat(second.header("Retry-After")).isNotNull();
        await().atMost(SEEN).until(() -> worker.commands(session).size() == 1);
    }

    @Test
    void quotaRefusesTheSixth() {
        for (int i = 0; i < 5; i++) {
            Reply created = api.post("/v1/sessions?wait=0s", CREATE);
            assertThat(created.status()).as(created.toString()).isIn(201, 202);
        }

        Reply sixth = api.post("/v1/sessions?wait=0s", CREATE);

        assertThat(sixth.status()).as(sixth.toString()).isEqualTo(429);
        assertThat(sixth.json().path("type").asString()).isEqualTo("urn:kiff:problem:session-quota");
        assertThat(sixth.json().path("quota").asString()).isEqualTo("maxOpenSessions");
        assertThat(sixth.header("Retry-After")).isNotNull();
        assertThat(api.get("/v1/sessions?state=all").json().path("sessions").size()).as("nothing stored")
                .isEqualTo(5);
    }

    @Test
    void otherTenantGets404() {
        UUID session = createReady(api);
        ApiClient other = TestTenants.create(port, "intruder").client(port);
        String path = "/v1/sessions/" + session;

        List<Reply> replies = List.of(other.get(path), other.delete(path), other.post(path + "/runs?wait=0s", RUN),
                other.get(path + "/files"), other.put(path + "/files/a.txt", "x".getBytes(StandardCharsets.UTF_8)));

        assertThat(replies).allSatisfy(reply -> {
            assertThat(reply.status()).as(reply.toString()).isEqualTo(404);
            assertThat(reply.json().path("type").asString()).isEqualTo("urn:kiff:problem:session-not-found");
        });
        assertThat(api.get(path).json().path("state").asString()).isEqualTo("READY");
        assertThat(worker.commands(session)).as("nothing reached the worker").isEmpty();
        assertThat(other.get("/v1/sessions?state=all").json().path("sessions").size()).isZero();
    }

    @Test
    void deleteEndsItAndSendsClose() {
        UUID session = createReady(api);

        Reply deleted = api.delete("/v1/sessions/" + session);

        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(deleted.json().path("state").asString()).isEqualTo("DELETED");
        await().atMost(SEEN).until(() -> worker.commands(session).stream()
                .anyMatch(c -> c.session().op() == SessionOp.CLOSE));
        Reply run = api.post("/v1/sessions/" + session + "/runs?wait=0s", RUN);
        assertThat(run.status()).as(run.toString()).isEqualTo(410);
        assertThat(run.json().path("type").asString()).isEqualTo("urn:kiff:problem:session-ended");
        assertThat(run.json().path("sessionState").asString()).isEqualTo("DELETED");
        assertThat(api.delete("/v1/sessions/" + session).status()).as("again").isEqualTo(200);
    }

    @Test
    void lostWhenTheWorkerStopsRenewing() throws InterruptedException {
        Set<String> mine = ConcurrentHashMap.newKeySet();
        TestTenants.Made alone = TestTenants.create(port, "lost");
        mine.add(alone.id());
        ApiClient client = alone.client(port);
        try (StandInSessionWorker dying = new StandInSessionWorker(SharedInfrastructure.kafka().bootstrapServers(),
                store, standInWorker(), codec, clock, mine)) {
            UUID session = createReady(client);
            dying.hold(session);
            Reply run = client.post("/v1/sessions/" + session + "/runs?wait=0s", RUN);
            assertThat(run.status()).as(run.toString()).isEqualTo(202);
            String runId = run.json().path("id").asString();

            dying.stopRenewing();

            await().atMost(SEEN).until(() -> client.get("/v1/sessions/" + session).json().path("state").asString(),
                    "LOST"::equals);
            Reply lost = client.get("/v1/sessions/" + session);
            assertThat(lost.json().path("reason").asString()).contains(dying.workerId())
                    .contains("stopped renewing its lease");
            Reply ended = client.get("/v1/jobs/" + runId + "?wait=10s");
            assertThat(ended.json().path("status").asString()).as(ended.toString()).isEqualTo("ERROR");
            assertThat(ended.json().path("message").asString()).contains("lost");
            Reply after = client.post("/v1/sessions/" + session + "/runs?wait=0s", RUN);
            assertThat(after.status()).as("never restarts empty: " + after).isEqualTo(410);
        }
    }

    @Test
    void pathTraversalRefusedBeforePublishing() {
        UUID session = createReady(api);
        String files = "/v1/sessions/" + session + "/files/";
        byte[] content = "x".getBytes(StandardCharsets.UTF_8);

        for (String path : List.of("a/.hidden", ".env", "a/..%2F..%2Fetc%2Fpasswd", "a/../../../etc/passwd",
                "%2e%2e/secret", "a%5Cb")) {
            Reply put = api.put(files + path, content);
            assertThat(put.status()).as(path + ": " + put).isBetween(400, 404);
            Reply get = api.get(files + path);
            assertThat(get.status()).as(path + ": " + get).isBetween(400, 404);
        }

        Reply view = api.get("/v1/sessions/" + session);
        assertThat(view.json().path("state").asString()).isEqualTo("READY");
        assertThat(view.json().path("runs").asInt()).as("no run stored").isZero();
        Reply fine = api.put(files + "data/in.csv?wait=20s", content);
        assertThat(fine.status()).as(fine.toString()).isEqualTo(200);
        await().atMost(SEEN).until(() -> worker.commands(session).size() == 1);
        assertThat(worker.commands(session)).singleElement()
                .satisfies(c -> assertThat(c.session().path()).isEqualTo("data/in.csv"));
    }
}
