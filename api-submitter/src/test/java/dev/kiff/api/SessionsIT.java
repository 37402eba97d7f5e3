package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.api.ApiClient.Reply;
import dev.kiff.api.events.OpenStreams;
import dev.kiff.core.gateway.ArtifactStore;
import dev.kiff.core.session.SessionEventPublisher;
import dev.kiff.core.session.SessionStore;
import dev.kiff.core.topic.Topics;
import dev.kiff.model.session.SessionEvent;
import dev.kiff.model.session.SessionState;
import dev.kiff.model.session.SessionOp;
import dev.kiff.testkit.SharedInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /v1/sessions} against the real broker and database, with a {@link StandInSessionWorker} as the worker side:
 * it answers opens with READY and runs with results through the real {@link SessionStore}.
 */
@TestPropertySource(properties = {"kiff.sessions.lost-after=2s", "kiff.sessions.tick=200ms",
        "kiff.api.max-streams-per-tenant=" + SessionsIT.STREAMS,
        // A create here is answered READY only through the session's move heard on kiff.session-events.
        "kiff.sessions.create-recheck=1h"})
class SessionsIT extends ApiIntegrationTest {

    static final int STREAMS = 3;
    private static final Duration SEEN = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CREATE = "{\"vmType\":\"code-exec\"}";
    private static final String RUN = "{\"language\":\"python\",\"code\":\"x = 1\"}";
    private static final Set<String> TENANTS = ConcurrentHashMap.newKeySet();
    private static StandInSessionWorker worker;

    @Autowired
    OpenStreams streams;

    private TestTenants.Made tenant;
    private ApiClient api;

    @BeforeEach
    void tenantAndWorker() {
        if (worker == null) {
            worker = new StandInSessionWorker(sessionKit(), TENANTS);
            untilTheEventTailHears();
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

    /**
     * The instance's tail of {@code kiff.session-events} starts at the topic's end as it finds it: a signed move is
     * heard once it has, and every move after that too.
     */
    private void untilTheEventTailHears() {
        UUID probe = UUID.randomUUID();
        List<SessionEvent> heard = new CopyOnWriteArrayList<>();
        Runnable stop = live.watch(probe, heard::add);
        try {
            await().atMost(SEEN).until(() -> {
                sessionEvents.publish(new SessionEvent(SessionEvent.VERSION, probe, "probe", SessionState.READY, null,
                        clock.instant(), null, null));
                return !heard.isEmpty();
            });
        } finally {
            stop.run();
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
        try (StandInSessionWorker dying = new StandInSessionWorker(sessionKit(), mine)) {
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

    @Test
    void filesRoundTrip() {
        UUID session = createReady(api);
        String files = "/v1/sessions/" + session + "/files";
        byte[] csv = "a,b\n1,2\nüñï,€\n".getBytes(StandardCharsets.UTF_8);
        byte[] other = {0, 1, 2, (byte) 0xff};

        Reply put = api.put(files + "/data/in.csv?wait=20s", csv);
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        assertThat(api.put(files + "/b.bin?wait=20s", other).status()).isEqualTo(200);
        Reply listing = api.get(files);
        byte[] back = api.getBytes(files + "/data/in.csv");

        assertThat(listing.status()).as(listing.toString()).isEqualTo(200);
        assertThat(listing.json().valueStream().map(f -> f.path("path").asString() + "=" + f.path("size").asInt())
                .toList()).containsExactly("b.bin=4", "data/in.csv=" + csv.length);
        assertThat(back).isEqualTo(csv);
        assertThat(api.getBytes(files + "/b.bin")).isEqualTo(other);
        Reply view = api.get("/v1/sessions/" + session);
        assertThat(view.json().path("state").asString()).isEqualTo("IDLE");
        assertThat(view.json().path("runs").asInt()).as("every file operation is a run").isEqualTo(5);
    }

    @Test
    void runStreamsOverSse() {
        UUID session = createReady(api);
        worker.hold(session);

        try (SseRecorder stream = SseRecorder.post(api.base(), "/v1/sessions/" + session + "/runs", tenant.apiKey(),
                RUN)) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.contentType()).startsWith("text/event-stream");
            UUID runId = UUID.fromString(api.get("/v1/sessions/" + session).json().path("currentRun").asString());
            worker.start(runId).stdout("hello from the session\n");
            await().atMost(SEEN).until(() -> !stream.events("output").isEmpty());
            worker.finish(session, runId, 0);

            await().atMost(SEEN).until(stream::ended);
            assertThat(stream.events()).extracting(SseRecorder.Event::event)
                    .containsExactly("status", "status", "output", "result");
            assertThat(stream.ids()).containsExactly("0.0", "1.0", "1.1", "end");
            assertThat(stream.events("output").get(0).data().path("data").asString())
                    .isEqualTo("hello from the session\n");
            assertThat(stream.events("result").get(0).data().path("status").asString()).isEqualTo("SUCCEEDED");
            assertThat(stream.events("result").get(0).data().path("sessionId").asString())
                    .isEqualTo(session.toString());
            try (SseRecorder again = SseRecorder.open(api.base(),
                    "/v1/sessions/" + session + "/runs/" + runId + "/events", tenant.apiKey())) {
                await().atMost(SEEN).until(again::ended);
                assertThat(again.ids()).as("the job's own stream, replayed").isEqualTo(stream.ids());
            }
        } finally {
            worker.release(session);
        }
    }

    @Test
    void runsAreListedAndAnsweredOnlyUnderTheirOwnSession() {
        UUID session = createReady(api);
        UUID otherSession = createReady(api);
        String first = api.post("/v1/sessions/" + session + "/runs?wait=20s", RUN).json().path("id").asString();
        String second = api.post("/v1/sessions/" + session + "/runs?wait=20s", RUN).json().path("id").asString();

        Reply page = api.get("/v1/sessions/" + session + "/runs?limit=1");
        Reply next = api.get("/v1/sessions/" + session + "/runs?limit=1&cursor="
                + page.json().path("nextCursor").asString());
        Reply run = api.get("/v1/sessions/" + session + "/runs/" + first + "?wait=5s");

        assertThat(page.json().path("items").valueStream().map(r -> r.path("id").asString()).toList())
                .as("newest first").containsExactly(second);
        assertThat(next.json().path("items").valueStream().map(r -> r.path("id").asString()).toList())
                .containsExactly(first);
        assertThat(run.status()).as(run.toString()).isEqualTo(200);
        assertThat(run.json().path("status").asString()).isEqualTo("SUCCEEDED");
        String elsewhere = "/v1/sessions/" + otherSession + "/runs/" + first;
        for (Reply wrong : List.of(api.get(elsewhere), api.delete(elsewhere), api.get(elsewhere + "/events"))) {
            assertThat(wrong.status()).as("a run of another session: " + wrong).isEqualTo(404);
            assertThat(wrong.json().path("type").asString()).isEqualTo("urn:kiff:problem:job-not-found");
        }
        ApiClient intruder = TestTenants.create(port, "intruder").client(port);
        Reply stolen = intruder.get("/v1/sessions/" + session + "/runs/" + first);
        assertThat(stolen.status()).as(stolen.toString()).isEqualTo(404);
        assertThat(intruder.get("/v1/sessions/" + session + "/runs").status()).isEqualTo(404);
    }

    @Test
    void sessionEventsStreamEveryTransition() {
        UUID session = createReady(api);
        String events = "/v1/sessions/" + session + "/events";

        try (SseRecorder stream = SseRecorder.open(api.base(), events, tenant.apiKey())) {
            await().atMost(SEEN).until(() -> stream.events().size() == 2);
            assertThat(api.post("/v1/sessions/" + session + "/runs?wait=20s", RUN).status()).isEqualTo(200);
            assertThat(api.post("/v1/sessions/" + session + "/runs?wait=20s", RUN).status()).isEqualTo(200);
            await().atMost(SEEN).until(() -> stream.events().size() == 6);
            assertThat(api.delete("/v1/sessions/" + session).status()).isEqualTo(200);

            await().atMost(SEEN).until(stream::ended);
            assertThat(stream.events()).allSatisfy(e -> assertThat(e.event()).isEqualTo("transition"));
            assertThat(stream.events()).extracting(e -> e.data().path("state").asString())
                    .containsExactly("CREATING", "READY", "BUSY", "IDLE", "BUSY", "IDLE", "DELETED");
            assertThat(stream.ids()).containsExactly("1", "2", "3", "4", "5", "6", "7");
            assertThat(stream.events().get(2).data().path("runId").asString()).isNotEmpty();
        }
        try (SseRecorder resumed = SseRecorder.open(api.base(), events, tenant.apiKey(), "5")) {
            await().atMost(SEEN).until(resumed::ended);
            assertThat(resumed.ids()).containsExactly("6", "7");
        }
    }

    @Test
    void sessionOutlivesAnApiRestart() {
        UUID session;
        try (ConfigurableApplicationContext first = anotherApi()) {
            session = createReady(tenant.client(portOf(first)));
        }
        try (ConfigurableApplicationContext second = anotherApi()) {
            ApiClient fresh = tenant.client(portOf(second));

            Reply run = fresh.post("/v1/sessions/" + session + "/runs?wait=20s", RUN);
            Reply view = fresh.get("/v1/sessions/" + session);

            assertThat(run.status()).as(run.toString()).isEqualTo(200);
            assertThat(run.json().path("status").asString()).isEqualTo("SUCCEEDED");
            assertThat(view.json().path("state").asString()).isEqualTo("IDLE");
            assertThat(view.json().path("runs").asInt()).isEqualTo(1);
            assertThat(view.json().path("workerId").asString()).isEqualTo(worker.workerId());
            assertThat(fresh.get("/v1/sessions/" + session + "/runs").json().path("items").size()).isEqualTo(1);
        }
    }

    /** A second API, a fresh context on the same broker and database, as an API instance started anew. */
    private static ConfigurableApplicationContext anotherApi() {
        // As arguments, so they win over application.yml's defaults as the test context's do.
        List<String> arguments = new ArrayList<>(List.of("--server.port=0"));
        SharedInfrastructure.springProperties().forEach((key, value) -> arguments.add("--" + key + "=" + value));
        return new SpringApplicationBuilder(ApiApplication.class).run(arguments.toArray(String[]::new));
    }

    private static int portOf(ConfigurableApplicationContext context) {
        return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }

    @Test
    void cancelOfARunLeavesTheSessionUsable() {
        UUID session = createReady(api);
        worker.hold(session);
        Reply accepted = api.post("/v1/sessions/" + session + "/runs?wait=0s", RUN);
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        UUID runId = UUID.fromString(accepted.json().path("id").asString());
        worker.start(runId);

        Reply cancelled = api.delete("/v1/sessions/" + session + "/runs/" + runId);

        assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
        assertThat(cancelled.json().path("status").asString()).isEqualTo("CANCELLED");
        await().atMost(SEEN).until(() -> api.get("/v1/sessions/" + session).json().path("state").asString(),
                "IDLE"::equals);
        worker.release(session);
        Reply next = api.post("/v1/sessions/" + session + "/runs?wait=20s", RUN);
        assertThat(next.status()).as(next.toString()).isEqualTo(200);
        assertThat(next.json().path("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(api.get("/v1/sessions/" + session + "/runs/" + runId).json().path("status").asString())
                .as("the cancelled run keeps its end").isEqualTo("CANCELLED");
    }

    @Test
    void createWithTheSameIdempotencyKeyAnswersTheSameSession() {
        TestTenants.Made one = TestTenants.create(port, "idem", Map.of("maxOpenSessions", 1));
        TENANTS.add(one.id());
        ApiClient client = one.client(port);
        Map<String, String> key = Map.of("Idempotency-Key", "create-" + UUID.randomUUID());

        Reply created = client.post("/v1/sessions?wait=20s", CREATE, key);
        Reply again = client.post("/v1/sessions?wait=20s", CREATE, key);
        Reply changed = client.post("/v1/sessions?wait=20s", "{\"vmType\":\"code-exec\",\"idleTimeoutMs\":60000}",
                key);

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(again.status()).as("the quota of 1 is full, yet this is the same session: " + again)
                .isEqualTo(201);
        assertThat(again.json().path("id").asString()).isEqualTo(created.json().path("id").asString());
        assertThat(changed.status()).as(changed.toString()).isEqualTo(422);
        assertThat(changed.json().path("type").asString()).isEqualTo("urn:kiff:problem:idempotency-conflict");
        assertThat(client.get("/v1/sessions?state=all").json().path("sessions").size()).isEqualTo(1);
    }

    @Test
    void adminSetsATenantsSessionQuota() {
        TestTenants.Made one = TestTenants.create(port, "quota", Map.of("maxOpenSessions", 1));
        TENANTS.add(one.id());
        ApiClient client = one.client(port);
        ApiClient admin = new ApiClient(port, ApiClient.ADMIN_KEY);
        assertThat(one.answer().path("quotas").path("maxOpenSessions").asInt()).isEqualTo(1);
        assertThat(client.get("/v1/tenant").json().path("quotas").path("maxOpenSessions").asInt()).isEqualTo(1);
        assertThat(client.post("/v1/sessions?wait=0s", CREATE).status()).isIn(201, 202);
        assertThat(client.post("/v1/sessions?wait=0s", CREATE).status()).as("the second of a quota of 1")
                .isEqualTo(429);

        Reply raised = admin.patch("/v1/admin/tenants/" + one.id(), "{\"quotas\":{\"maxOpenSessions\":2}}");

        assertThat(raised.status()).as(raised.toString()).isEqualTo(200);
        assertThat(raised.json().path("quotas").path("maxOpenSessions").asInt()).isEqualTo(2);
        assertThat(raised.json().path("quotas").path("maxConcurrentJobs").asInt()).as("the others kept")
                .isEqualTo(20_000);
        assertThat(client.post("/v1/sessions?wait=0s", CREATE).status()).as("the create reads the quota stored")
                .isIn(201, 202);
        assertThat(client.post("/v1/sessions?wait=0s", CREATE).status()).isEqualTo(429);
        // The tenant view is the authenticated tenant, remembered for kiff.api.auth-cache.
        await().atMost(SEEN).until(() -> client.get("/v1/tenant").json().path("quotas").path("maxOpenSessions")
                .asInt() == 2);
        assertThat(client.patch("/v1/admin/tenants/" + one.id(), "{\"quotas\":{\"maxOpenSessions\":50}}").status())
                .as("a tenant key is no admin key").isEqualTo(401);
        assertThat(admin.patch("/v1/admin/tenants/" + one.id(), "{\"quotas\":{\"maxOpenSessions\":-1}}").status())
                .isEqualTo(400);
        Reply unknown = admin.patch("/v1/admin/tenants/nobody-" + UUID.randomUUID().toString().substring(0, 8),
                "{\"quotas\":{\"maxOpenSessions\":2}}");
        assertThat(unknown.status()).as(unknown.toString()).isEqualTo(404);
        assertThat(unknown.json().path("type").asString()).isEqualTo("urn:kiff:problem:tenant-not-found");
    }

    @Test
    void aStreamedRunPastTheTenantsStreamLimitIsRefusedBeforeItStarts() {
        UUID session = createReady(api);
        List<SseRecorder> open = new ArrayList<>();
        try {
            for (int i = 0; i < STREAMS; i++) {
                SseRecorder events = SseRecorder.open(api.base(), "/v1/sessions/" + session + "/events",
                        tenant.apiKey());
                open.add(events);
                assertThat(events.status()).as("session event streams count against the limit").isEqualTo(200);
            }
            await().atMost(SEEN).until(() -> streams.held(tenant.id()) == STREAMS);

            SseRecorder refused = SseRecorder.post(api.base(), "/v1/sessions/" + session + "/runs", tenant.apiKey(),
                    RUN);
            open.add(refused);

            assertThat(refused.status()).as("one stream past the limit").isEqualTo(429);
            await().atMost(SEEN).until(refused::ended);
            assertThat(JSON.readTree(refused.body()).path("type").asString())
                    .isEqualTo("urn:kiff:problem:too-many-streams");
            Reply view = api.get("/v1/sessions/" + session);
            assertThat(view.json().path("state").asString()).as("no run started").isEqualTo("READY");
            assertThat(view.json().path("runs").asInt()).isZero();
            assertThat(worker.commands(session)).isEmpty();
            SseRecorder more = SseRecorder.open(api.base(), "/v1/sessions/" + session + "/events", tenant.apiKey());
            open.add(more);
            assertThat(more.status()).isEqualTo(429);
        } finally {
            open.forEach(SseRecorder::close);
        }
    }

    @Test
    void sessionEventsNotSignedByThePlatformAreNotHeard() throws Exception {
        UUID session = createReady(api);
        List<SessionEvent> heard = new CopyOnWriteArrayList<>();
        Runnable stop = live.watch(session, heard::add);
        try {
            byte[] forged = codec.write(move(session, SessionState.LOST, "forged"));
            try (KafkaProducer<String, byte[]> stranger = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafka().bootstrapServers()),
                    new StringSerializer(), new ByteArraySerializer())) {
                stranger.send(new ProducerRecord<>(Topics.SESSION_EVENTS, session.toString(), forged)).get();
            }
            // Same key, same partition: once this one is heard, the forged one before it was read.
            sessionEvents.publish(move(session, SessionState.IDLE, "after"));

            await().atMost(SEEN).until(() -> heard.stream().anyMatch(e -> "after".equals(e.reason())));
            assertThat(heard).noneMatch(e -> "forged".equals(e.reason()));
            assertThat(api.get("/v1/sessions/" + session).json().path("state").asString())
                    .as("a move heard is only a nudge: the store says READY").isEqualTo("READY");
        } finally {
            stop.run();
        }
    }

    private SessionEvent move(UUID session, SessionState state, String reason) {
        return new SessionEvent(SessionEvent.VERSION, session, tenant.id(), state, reason, clock.instant(),
                worker.workerId(), null);
    }
}
