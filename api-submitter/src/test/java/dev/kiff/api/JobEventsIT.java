package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.api.ApiClient.Reply;
import dev.kiff.model.job.JobStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A job's event stream ({@code GET /v1/jobs/{id}/events}), its kept output ({@code /logs}) and the tenant's stream
 * ({@code GET /v1/events}) against the real broker and database, with a {@link StandInWorker} running the jobs: every
 * event in order, live and replayed, and a reconnect with {@code Last-Event-ID} resuming with exactly the rest.
 */
class JobEventsIT extends ApiIntegrationTest {

    private static final Duration SEEN = Duration.ofSeconds(30);


    private ApiClient api;
    private StandInWorker worker;

    @BeforeEach
    void setUp() {
        api = new ApiClient(port);
        worker = standInWorker();
        ListenersReady.hear(live, kafka, codec);
    }

    private String submit() {
        Reply reply = api.postJob(JobRequests.python("print('hello'); print('world')").json());
        assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
        return reply.json().path("id").asString();
    }

    private SseRecorder events(String id, String lastEventId) {
        return SseRecorder.open(api.base(), "/v1/jobs/" + id + "/events", ApiClient.ACME_KEY, lastEventId);
    }

    private static void awaitId(SseRecorder stream, String id) {
        await().atMost(SEEN).until(() -> stream.ids().contains(id));
    }

    @Test
    void streamsAJobsStatusOutputAndResultLiveInOrderThenEnds() {
        String id = submit();
        try (SseRecorder stream = events(id, null)) {
            awaitId(stream, "0.0");
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.contentType()).startsWith("text/event-stream");

            StandInWorker.Run run = worker.start(id);
            awaitId(stream, "1.0");
            run.stdout("hello\n");
            awaitId(stream, "1.1");
            run.stdout("world\n");
            awaitId(stream, "1.2");
            assertThat(stream.ended()).isFalse();
            run.succeed();
            await().atMost(SEEN).until(stream::ended);

            List<SseRecorder.Event> events = stream.events();
            assertThat(events).extracting(SseRecorder.Event::id).containsExactly("0.0", "1.0", "1.1", "1.2", "end");
            assertThat(events).extracting(SseRecorder.Event::event)
                    .containsExactly("status", "status", "output", "output", "result");
            assertThat(events.get(0).data().path("status").asString()).isEqualTo("QUEUED");
            assertThat(events.get(0).data().path("attempt").asInt()).isZero();
            assertThat(events.get(0).data().path("jobId").asString()).isEqualTo(id);
            assertThat(events.get(1).data().path("status").asString()).isEqualTo("RUNNING");
            assertThat(events.get(1).data().path("attempt").asInt()).isEqualTo(1);
            assertOutput(events.get(2), id, 1, 1, "stdout", "hello\n");
            assertOutput(events.get(3), id, 1, 2, "stdout", "world\n");
            JsonNode result = events.get(4).data();
            assertThat(result.path("id").asString()).isEqualTo(id);
            assertThat(result.path("status").asString()).isEqualTo("SUCCEEDED");
            assertThat(result.path("stdout").asString()).isEqualTo("hello\nworld\n");
            assertThat(result).isEqualTo(api.get("/v1/jobs/" + id).json());
        }
    }

    @Test
    void resumesAfterTheLastEventIdWithExactlyTheRest() {
        String id = submit();
        StandInWorker.Run run = worker.start(id);
        run.stdout("first\n");
        try (SseRecorder before = events(id, null)) {
            awaitId(before, "1.1");
            assertThat(before.ids()).containsExactly("0.0", "1.0", "1.1");
        }

        run.stdout("second\n").stderr("third\n").stdout("fourth\n");
        run.succeed();

        try (SseRecorder after = events(id, "1.1")) {
            await().atMost(SEEN).until(after::ended);
            List<SseRecorder.Event> rest = after.events();
            assertThat(rest).extracting(SseRecorder.Event::id).containsExactly("1.2", "1.3", "1.4", "end");
            assertOutput(rest.get(0), id, 1, 2, "stdout", "second\n");
            assertOutput(rest.get(1), id, 1, 3, "stderr", "third\n");
            assertOutput(rest.get(2), id, 1, 4, "stdout", "fourth\n");
            assertThat(rest.get(3).data().path("status").asString()).isEqualTo("SUCCEEDED");
        }
    }

    @Test
    void resumesWhileTheJobRunsFromTheKeptOutputIntoTheLiveOne() {
        String id = submit();
        StandInWorker.Run run = worker.start(id);
        run.stdout("a\n");
        try (SseRecorder before = events(id, null)) {
            awaitId(before, "1.1");
        }
        run.stdout("b\n");

        // The lastEventId parameter, for clients that cannot set headers.
        try (SseRecorder after = SseRecorder.open(api.base(), "/v1/jobs/" + id + "/events?lastEventId=1.1",
                ApiClient.ACME_KEY)) {
            awaitId(after, "1.2");
            run.stdout("c\n");
            awaitId(after, "1.3");
            run.exit(3);
            await().atMost(SEEN).until(after::ended);

            assertThat(after.ids()).containsExactly("1.2", "1.3", "end");
            assertThat(after.events().get(0).data().path("data").asString()).isEqualTo("b\n");
            assertThat(after.events().get(1).data().path("data").asString()).isEqualTo("c\n");
            assertThat(after.events().get(2).data().path("status").asString()).isEqualTo("FAILED");
            assertThat(after.events().get(2).data().path("exitCode").asInt()).isEqualTo(3);
        }
    }

    @Test
    void replaysTheWholeStreamOfAFinishedJobEveryRunIncluded() {
        String id = submit();
        StandInWorker.Run lost = worker.start(id);
        lost.stdout("try one\n");
        assertThat(lost.giveUp("worker-1 stopped heartbeating")).isTrue();
        StandInWorker.Run second = worker.start(id);
        second.stdout("try two\n").stderr("warning\n");
        second.succeed();

        try (SseRecorder stream = events(id, null)) {
            await().atMost(SEEN).until(stream::ended);

            assertThat(stream.ids()).containsExactly("0.0", "1.0", "1.1", "2.0", "2.1", "2.2", "end");
            assertThat(stream.events().get(3).data().path("status").asString()).isEqualTo("RUNNING");
            assertThat(stream.events().get(3).data().path("attempt").asInt()).isEqualTo(2);
            assertOutput(stream.events().get(2), id, 1, 1, "stdout", "try one\n");
            assertOutput(stream.events().get(5), id, 2, 2, "stderr", "warning\n");
            JsonNode result = stream.events().get(6).data();
            assertThat(result.path("attempts").asInt()).isEqualTo(2);
            assertThat(result.path("attemptHistory").size()).isEqualTo(2);
        }
        try (SseRecorder resumed = events(id, "2.1")) {
            await().atMost(SEEN).until(resumed::ended);
            assertThat(resumed.ids()).containsExactly("2.2", "end");
        }
        try (SseRecorder atTheEnd = events(id, "end")) {
            await().atMost(SEEN).until(atTheEnd::ended);
            assertThat(atTheEnd.events()).as("nothing after the end").isEmpty();
        }
    }

    @Test
    void servesTheKeptOutputAsLogsFilteredByStream() {
        String id = submit();
        StandInWorker.Run run = worker.start(id);
        run.stdout("out one\n").stderr("err one\n").stdout("out two\n");

        Reply all = api.get("/v1/jobs/" + id + "/logs");

        assertThat(all.status()).as(all.toString()).isEqualTo(200);
        assertThat(all.json().path("jobId").asString()).isEqualTo(id);
        assertThat(all.json().path("truncated").asBoolean()).isFalse();
        JsonNode chunks = all.json().path("chunks");
        assertThat(chunks.size()).as("no start marker among the chunks: " + all).isEqualTo(3);
        assertChunk(chunks.get(0), 1, 1, "stdout", "out one\n");
        assertChunk(chunks.get(1), 1, 2, "stderr", "err one\n");
        assertChunk(chunks.get(2), 1, 3, "stdout", "out two\n");
        assertThat(chunks.get(0).path("at").isString()).isTrue();

        List<String> stdout = new ArrayList<>();
        api.get("/v1/jobs/" + id + "/logs?stream=stdout").json().path("chunks")
                .forEach(c -> stdout.add(c.path("data").asString()));
        assertThat(stdout).containsExactly("out one\n", "out two\n");
        List<String> stderr = new ArrayList<>();
        api.get("/v1/jobs/" + id + "/logs?stream=stderr").json().path("chunks")
                .forEach(c -> stderr.add(c.path("data").asString()));
        assertThat(stderr).containsExactly("err one\n");
        Reply bad = api.get("/v1/jobs/" + id + "/logs?stream=start");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("field").asString()).isEqualTo("stream");

        run.succeed();
        assertThat(api.get("/v1/jobs/" + id + "/logs").json().path("chunks").size())
                .as("kept after the job ended").isEqualTo(3);
    }

    @Test
    void marksTheLogsTruncatedOnceTheOutputPassedItsCap() {
        StandInWorker capped = new StandInWorker(jobs, logs, kafka, codec, clock, 16);
        String id = submit();
        StandInWorker.Run run = capped.start(id);
        run.stdout("0123456789").stdout("abcdefghij");
        run.succeed();

        JsonNode answer = api.get("/v1/jobs/" + id + "/logs").json();

        assertThat(answer.path("truncated").asBoolean()).as(answer.toString()).isTrue();
        StringBuilder kept = new StringBuilder();
        answer.path("chunks").forEach(c -> {
            if (!c.path("stream").asString().equals("notice")) {
                kept.append(c.path("data").asString());
            }
        });
        assertThat(kept.toString()).isEqualTo("0123456789abcdef");
    }

    @Test
    void refusesALastEventIdThatIsNotOneOfTheStream() {
        String id = submit();
        for (String bad : List.of("abc", "7", "1.x", "1.2.3")) {
            Reply reply = api.get("/v1/jobs/" + id + "/events",
                    Map.of("Accept", "text/event-stream", "Last-Event-ID", bad));
            assertThat(reply.status()).as(bad + ": " + reply).isEqualTo(400);
            assertThat(reply.contentType()).startsWith("application/problem+json");
            assertThat(reply.json().path("field").asString()).isEqualTo("Last-Event-ID");
        }
        Reply tenantStream = api.get("/v1/events", Map.of("Accept", "text/event-stream", "Last-Event-ID", "1.0"));
        assertThat(tenantStream.status()).as(tenantStream.toString()).isEqualTo(400);
        assertThat(tenantStream.json().path("field").asString()).isEqualTo("Last-Event-ID");
    }

    @Test
    void answersAQuietStreamAtOnceRatherThanWithTheFirstKeepAlive() {
        TestTenants.Made quiet = TestTenants.create(port, "quiet");
        String id = submit();
        StandInWorker.Run run = worker.start(id);
        run.stdout("only line\n");
        // Keep-alives go to every open stream at once, every 15 s: of two streams opened one after the other, at most
        // one can be answered by a keep-alive within 2 s. Each must answer by itself.
        for (int i = 0; i < 2; i++) {
            try (SseRecorder tenantStream = SseRecorder.open(api.base(), "/v1/events", quiet.apiKey())) {
                assertThat(tenantStream.status(Duration.ofSeconds(2))).isEqualTo(200);
                assertThat(tenantStream.contentType()).startsWith("text/event-stream");
                assertThat(tenantStream.events()).isEmpty();
            }
            try (SseRecorder caughtUp = events(id, "1.1")) {
                assertThat(caughtUp.status(Duration.ofSeconds(2))).isEqualTo(200);
                assertThat(caughtUp.events()).isEmpty();
            }
        }
        run.succeed();
    }

    @Test
    void sendsTheTenantsResultsWithIncreasingIdsAndResumesAfterTheLastOneSeen() {
        TestTenants.Made tenant = TestTenants.create(port, "watcher");
        ApiClient mine = tenant.client(port);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(mine.postJob(JobRequests.python("print(" + i + ")").json()).json().path("id").asString());
        }
        String otherTenantsJob = submit();

        // The stream sends results in the order they were stored: once a result stored last has arrived, anything
        // stored before it that the stream would send has arrived too, so no quiet window is needed.
        List<SseRecorder.Event> firstFour;
        try (SseRecorder stream = SseRecorder.open(api.base(), "/v1/events", tenant.apiKey())) {
            assertThat(stream.status()).isEqualTo(200);
            worker.runToSuccess(ids.get(0), "0\n");
            worker.start(ids.get(1)).exit(1);
            assertThat(mine.delete("/v1/jobs/" + ids.get(2)).status()).isEqualTo(200);
            worker.runToSuccess(otherTenantsJob, "not theirs\n");
            // The marker, stored after the other tenant's result: had that one leaked, it would come first.
            worker.runToSuccess(ids.get(3), "3\n");
            await().atMost(SEEN).until(() -> hasResult(stream, ids.get(3)));
            firstFour = stream.events();
        }

        assertThat(firstFour).extracting(e -> e.data().path("id").asString())
                .containsExactly(ids.get(0), ids.get(1), ids.get(2), ids.get(3));
        assertThat(firstFour).extracting(e -> e.data().path("status").asString())
                .containsExactly("SUCCEEDED", "FAILED", "CANCELLED", "SUCCEEDED");
        List<Long> seqs = firstFour.stream().map(e -> Long.parseLong(e.id())).toList();
        assertThat(seqs).isSorted().doesNotHaveDuplicates();

        // While nobody watches, two more end; a reconnect after the second event gets exactly the rest.
        worker.runToSuccess(ids.get(4), "4\n");
        worker.runToSuccess(ids.get(5), "5\n");
        try (SseRecorder resumed = SseRecorder.open(api.base(), "/v1/events", tenant.apiKey(),
                firstFour.get(1).id())) {
            await().atMost(SEEN).until(() -> hasResult(resumed, ids.get(5)));
            List<SseRecorder.Event> rest = resumed.events();
            assertThat(rest).extracting(e -> e.data().path("id").asString())
                    .containsExactly(ids.get(2), ids.get(3), ids.get(4), ids.get(5));
            assertThat(rest.get(0).id()).isEqualTo(firstFour.get(2).id());
            List<Long> later = rest.stream().map(e -> Long.parseLong(e.id())).toList();
            assertThat(later).isSorted().doesNotHaveDuplicates();
            assertThat(later.get(0)).isGreaterThan(seqs.get(1));
        }

        // Without Last-Event-ID a stream starts with the next result, not the ones before it (they were stored
        // before it, so they would arrive before it).
        String seventh = mine.postJob(JobRequests.valid()).json().path("id").asString();
        try (SseRecorder fresh = SseRecorder.open(api.base(), "/v1/events", tenant.apiKey())) {
            assertThat(fresh.status()).isEqualTo(200);
            worker.runToSuccess(seventh, "7\n");
            await().atMost(SEEN).until(() -> hasResult(fresh, seventh));
            assertThat(fresh.events()).extracting(e -> e.data().path("id").asString()).containsExactly(seventh);
        }
    }

    private static boolean hasResult(SseRecorder stream, String jobId) {
        return stream.events("result").stream().anyMatch(e -> e.data().path("id").asString().equals(jobId));
    }

    private static void assertOutput(SseRecorder.Event event, String jobId, int attempt, int seq, String stream,
            String data) {
        assertThat(event.event()).isEqualTo("output");
        assertThat(event.id()).isEqualTo(attempt + "." + seq);
        assertThat(event.data().path("jobId").asString()).isEqualTo(jobId);
        assertChunk(event.data(), attempt, seq, stream, data);
    }

    private static void assertChunk(JsonNode chunk, int attempt, int seq, String stream, String data) {
        assertThat(chunk.path("attempt").asInt()).as(chunk.toString()).isEqualTo(attempt);
        assertThat(chunk.path("seq").asInt()).as(chunk.toString()).isEqualTo(seq);
        assertThat(chunk.path("stream").asString()).as(chunk.toString()).isEqualTo(stream);
        assertThat(chunk.path("data").asString()).as(chunk.toString()).isEqualTo(data);
    }
}
