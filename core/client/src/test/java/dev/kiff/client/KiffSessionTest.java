package dev.kiff.client;

import static dev.kiff.client.FakeKiff.CODEC;
import static dev.kiff.client.FakeKiff.job;
import static dev.kiff.client.FakeKiff.json;
import static dev.kiff.client.FakeKiff.problem;
import static dev.kiff.client.FakeKiff.result;
import static dev.kiff.client.FakeKiff.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kiff.model.job.DisplayItem;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.Language;
import dev.kiff.model.job.Limits;
import dev.kiff.model.job.RequestedLimits;
import dev.kiff.model.job.VmType;
import dev.kiff.model.session.Session;
import dev.kiff.model.session.SessionRequest;
import dev.kiff.model.session.SessionRunRequest;
import dev.kiff.model.session.SessionState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KiffSessionTest {

    private static final UUID SID = UUID.fromString("5e55a0e0-0000-4000-8000-000000000001");
    private static final UUID RUN = UUID.fromString("7a11a0e0-0000-4000-8000-000000000002");
    private static final String SESSION = "/v1/sessions/" + SID;
    private static final SessionRequest REQUEST = new SessionRequest(VmType.DATA_PROCESSING,
            new RequestedLimits(null, 512, null, null, null), 600_000L, null, Map.of("MODE", "test"),
            Map.of("in.csv", "a,b\n1,2\n"));

    private final FakeKiff server = fake();
    private final KiffClient client = KiffClient.builder().baseUrl(server.url()).apiKey("kiff_secret")
            .timeout(Duration.ofSeconds(5)).build();

    private static FakeKiff fake() {
        try {
            return new FakeKiff();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String session(SessionState state, String reason) {
        return CODEC.writeString(new Session(SID, "acme", VmType.DATA_PROCESSING, state, reason,
                new Limits(30_000, 512, 1, 64, 1 << 20), List.of("MODE"), List.of("in.csv"), 600_000, 3_600_000,
                "worker-1", state == SessionState.BUSY ? RUN : null, 0, Instant.parse("2026-11-29T21:00:00Z"),
                null, null, null, null, List.of()));
    }

    private KiffSession ready() {
        server.on("GET", SESSION, json(200, session(SessionState.READY, null)));
        return client.session(SID);
    }

    private static JobResult run(JobStatus status, DisplayItem... display) {
        return job(RUN, status).inSession(SID, List.of(display));
    }

    @Test
    void createSendsTheRequestAndWaitsUntilAWorkerOpenedIt() {
        server.on("POST", "/v1/sessions", json(202, session(SessionState.CREATING, null)));
        server.on("GET", SESSION, json(200, session(SessionState.CREATING, null)),
                json(200, session(SessionState.READY, null)));

        KiffSession opened = client.createSession(REQUEST, "agent-7", Duration.ofSeconds(10));

        assertThat(opened.id()).isEqualTo(SID);
        assertThat(opened.view().state()).isEqualTo(SessionState.READY);
        FakeKiff.Call create = server.calls("POST", "/v1/sessions").get(0);
        assertThat(CODEC.readSessionRequest(create.body().getBytes(StandardCharsets.UTF_8))).isEqualTo(REQUEST);
        assertThat(create.header("Idempotency-Key")).isEqualTo("agent-7");
        assertThat(create.query()).isEqualTo("wait=10s");
        assertThat(server.calls("GET", SESSION)).hasSize(2);
    }

    @Test
    void aSessionThatCouldNotOpenIsEndedWithItsReason() {
        server.on("POST", "/v1/sessions", json(202, session(SessionState.EXPIRED, "never opened: no worker")));

        KiffSessionEndedException e = catchThrowableOfType(KiffSessionEndedException.class,
                () -> client.createSession(REQUEST));

        assertThat(e.sessionState()).isEqualTo("EXPIRED");
        assertThat(e.reason()).isEqualTo("never opened: no worker");
    }

    @Test
    void aSessionStillCreatingAtTheTimeoutIsDeletedNotLeftHoldingQuota() {
        server.on("POST", "/v1/sessions", json(202, session(SessionState.CREATING, null)));
        server.on("GET", SESSION, json(200, session(SessionState.CREATING, null)));
        server.on("DELETE", SESSION, json(200, session(SessionState.DELETED, "deleted by the tenant")));

        assertThatThrownBy(() -> client.createSession(REQUEST, null, Duration.ofMillis(300)))
                .isInstanceOf(KiffTimeoutException.class).hasMessageContaining("deleted");
        assertThat(server.calls("DELETE", SESSION)).hasSize(1);
    }

    @Test
    void theSessionQuotaIsAQuotaProblem() {
        server.on("POST", "/v1/sessions", problem(429, "session-quota", "Session quota reached",
                "\"quota\":\"maxOpenSessions\"", "Retry-After", "10"));

        KiffQuotaException e = catchThrowableOfType(KiffQuotaException.class, () -> client.createSession(REQUEST));

        assertThat(e.quota()).isEqualTo("maxOpenSessions");
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void runAnswersTheResultWithItsDisplay() {
        KiffSession session = ready();
        DisplayItem value = new DisplayItem("text/plain", "42", null, 2);
        DisplayItem plot = new DisplayItem("image/png", null, "display/1.png", 4);
        server.on("POST", SESSION + "/runs", result(run(JobStatus.SUCCEEDED, value, plot)));
        server.on("GET", "/v1/jobs/" + RUN + "/artifacts/display/1.png",
                exchange -> FakeKiff.send(exchange, 200, "image/png", "\u0089PNG"));

        JobResult ran = session.run("x = 41\nx + 1");

        assertThat(ran.sessionId()).isEqualTo(SID);
        assertThat(ran.display()).containsExactly(value, plot);
        assertThat(session.image(ran, plot)).isEqualTo("\u0089PNG".getBytes(StandardCharsets.UTF_8));
        FakeKiff.Call call = server.calls("POST", SESSION + "/runs").get(0);
        assertThat(CODEC.readSessionRunRequest(call.body().getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new SessionRunRequest(Language.PYTHON, "x = 41\nx + 1", null, null));
        assertThat(call.query()).isEqualTo("wait=30s");
        assertThat(call.header("Authorization")).isEqualTo("Bearer kiff_secret");
    }

    @Test
    void aRunStillGoingWhenTheWaitRanOutIsAwaited() {
        KiffSession session = ready();
        server.on("POST", SESSION + "/runs", json(202, "{\"id\":\"" + RUN + "\",\"status\":\"RUNNING\"}"));
        server.on("GET", "/v1/jobs/" + RUN, result(run(JobStatus.RUNNING), "Retry-After", "0"),
                result(run(JobStatus.SUCCEEDED)));

        JobResult ran = session.run(new SessionRunRequest(Language.BASH, "sleep 40", null, 60_000L));

        assertThat(ran.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(server.calls("GET", "/v1/jobs/" + RUN)).hasSize(2);
    }

    @Test
    void aBusySessionNamesItsRunAndAnEndedOneSaysWhy() {
        KiffSession session = ready();
        server.on("POST", SESSION + "/runs",
                problem(409, "session-busy", "Session busy", "\"sessionState\":\"BUSY\",\"currentRun\":\"" + RUN + "\"",
                        "Retry-After", "1"),
                problem(410, "session-ended", "Session ended", "\"sessionState\":\"LOST\","
                        + "\"reason\":\"its worker w1 stopped renewing its lease\""));

        KiffSessionBusyException busy = catchThrowableOfType(KiffSessionBusyException.class,
                () -> session.run("x"));
        KiffSessionEndedException ended = catchThrowableOfType(KiffSessionEndedException.class,
                () -> session.run("x"));

        assertThat(busy.currentRun()).isEqualTo(RUN);
        assertThat(busy.sessionState()).isEqualTo("BUSY");
        assertThat(busy.retryAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(ended.sessionState()).isEqualTo("LOST");
        assertThat(ended.reason()).contains("stopped renewing");
    }

    @Test
    void streamFollowsTheRunsEventsAndResumesAtTheJobsEventsAfterADrop() {
        KiffSession session = ready();
        String status = "id: 1.0\nevent: status\ndata: {\"jobId\":\"" + RUN + "\",\"status\":\"RUNNING\","
                + "\"attempt\":1}\n\n";
        String out1 = "id: 1.1\nevent: output\ndata: {\"jobId\":\"" + RUN + "\",\"attempt\":1,\"seq\":1,"
                + "\"stream\":\"stdout\",\"data\":\"0\\n\"}\n\n";
        String out2 = "id: 1.2\nevent: output\ndata: {\"jobId\":\"" + RUN + "\",\"attempt\":1,\"seq\":2,"
                + "\"stream\":\"stdout\",\"data\":\"1\\n\"}\n\n";
        String end = "id: end\nevent: result\ndata: " + CODEC.writeString(run(JobStatus.SUCCEEDED)) + "\n\n";
        server.on("POST", SESSION + "/runs", sse(status + out1 + "id: 1.2\nevent: out", true));
        server.on("GET", "/v1/jobs/" + RUN + "/events", sse(out2 + end, false));
        List<JobEvent> events = new ArrayList<>();

        JobResult ran = session.stream(new SessionRunRequest(Language.PYTHON, "for i in range(2): print(i)", null,
                null), events::add);

        assertThat(ran.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(events).hasSize(4);
        assertThat(events.subList(1, 3)).extracting(e -> ((JobEvent.Output) e).chunk().data())
                .containsExactly("0\n", "1\n");
        assertThat(server.calls("POST", SESSION + "/runs").get(0).header("Accept")).isEqualTo("text/event-stream");
        assertThat(server.calls("GET", "/v1/jobs/" + RUN + "/events")).singleElement()
                .satisfies(c -> assertThat(c.header("Last-Event-ID")).isEqualTo("1.1"));
    }

    @Test
    void streamFromAServerThatAnswersJsonFollowsTheRun() {
        KiffSession session = ready();
        server.on("POST", SESSION + "/runs", json(202, "{\"id\":\"" + RUN + "\",\"status\":\"QUEUED\"}"));
        server.on("GET", "/v1/jobs/" + RUN + "/events", sse("id: end\nevent: result\ndata: "
                + CODEC.writeString(run(JobStatus.SUCCEEDED)) + "\n\n", false));
        List<JobEvent> events = new ArrayList<>();

        assertThat(session.stream(new SessionRunRequest(Language.PYTHON, "1", null, null), events::add).status())
                .isEqualTo(JobStatus.SUCCEEDED);
        assertThat(events).singleElement().isInstanceOf(JobEvent.Result.class);
    }

    @Test
    void interruptCancelsTheRunAndKeepsTheSession() {
        KiffSession session = ready();
        server.on("DELETE", SESSION + "/runs/" + RUN, result(run(JobStatus.CANCELLED)));

        assertThat(session.interrupt(RUN).status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(server.calls("DELETE", SESSION)).isEmpty();
    }

    @Test
    void filesGoUpComeDownAndAreListed() {
        KiffSession session = ready();
        server.on("PUT", SESSION + "/files/data/in.csv", result(run(JobStatus.SUCCEEDED)));
        server.on("GET", SESSION + "/files/data/out.csv",
                exchange -> FakeKiff.send(exchange, 200, "application/octet-stream", "a,b\n3,4\n"));
        // the listing as the worker writes it and the API answers it: a bare array
        server.on("GET", SESSION + "/files", json(200,
                "[{\"path\":\"data/in.csv\",\"size\":8},{\"path\":\"data/out.csv\",\"size\":8}]"));

        session.upload("data/in.csv", "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8));

        assertThat(new String(session.download("data/out.csv"), StandardCharsets.UTF_8)).isEqualTo("a,b\n3,4\n");
        assertThat(session.files()).containsExactly(new SessionFile("data/in.csv", 8),
                new SessionFile("data/out.csv", 8));
        FakeKiff.Call put = server.calls("PUT", SESSION + "/files/data/in.csv").get(0);
        assertThat(put.body()).isEqualTo("a,b\n1,2\n");
        assertThat(put.header("Content-Type")).isEqualTo("application/octet-stream");
    }

    @Test
    void aListingStillRunningIsReadFromItsDisplay() {
        KiffSession session = ready();
        server.on("GET", SESSION + "/files", json(202, "{\"id\":\"" + RUN + "\",\"status\":\"RUNNING\"}"));
        server.on("GET", "/v1/jobs/" + RUN, result(run(JobStatus.SUCCEEDED,
                new DisplayItem("application/json", "{\"files\":[{\"path\":\"a.txt\",\"size\":1}]}", null, 40))));

        assertThat(session.files()).containsExactly(new SessionFile("a.txt", 1));
    }

    @Test
    void aFileTheSandboxCannotGiveIsAnOperationError() {
        KiffSession session = ready();
        JobResult failed = new JobResult(1, RUN, "acme", VmType.DATA_PROCESSING, JobStatus.FAILED, 1, "", false,
                "kiff-runner: no such file: nope.txt\n", false, "exit code 1", "worker-1", 1, null, List.of());
        server.on("GET", SESSION + "/files/nope.txt", result(failed));

        KiffSessionOperationException e = catchThrowableOfType(KiffSessionOperationException.class,
                () -> session.download("nope.txt"));

        assertThat(e.getMessage()).contains("FAILED").contains("no such file: nope.txt");
        assertThat(e.result().id()).isEqualTo(RUN);
    }

    @Test
    void closeDeletesTheSessionOnceTryWithResourcesEnds() {
        server.on("DELETE", SESSION, json(200, session(SessionState.DELETED, "deleted by the tenant")));
        server.on("POST", SESSION + "/runs", result(run(JobStatus.SUCCEEDED)));

        try (KiffSession session = ready()) {
            session.run("print(1)");
        }

        assertThat(server.calls).extracting(FakeKiff.Call::method)
                .containsExactly("GET", "POST", "DELETE");
    }

    @Test
    void closingASessionTheServerNoLongerKnowsIsQuiet() {
        KiffSession session = ready();
        server.on("DELETE", SESSION, problem(404, "session-not-found", "Session not found", null));

        session.close();

        assertThat(server.calls("DELETE", SESSION)).hasSize(1);
    }

    @Test
    void listsTheTenantsSessionsPageByPage() {
        server.on("GET", "/v1/sessions",
                json(200, "{\"sessions\":[" + session(SessionState.READY, null)
                        + "],\"next\":\"2026-11-29T21:00:00Z\"}"),
                json(200, "{\"sessions\":[" + session(SessionState.IDLE, null) + "],\"next\":null}"));

        assertThat(client.sessions(false).map(Session::state)).containsExactly(SessionState.READY, SessionState.IDLE);
        assertThat(server.calls).extracting(FakeKiff.Call::query)
                .containsExactly("state=open", "state=open&cursor=2026-11-29T21:00:00Z");
    }
}
