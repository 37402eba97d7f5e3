package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.api.ApiClient.Reply;
import dev.kiff.api.events.OpenStreams;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The API's event streams shared between tenants, against the real broker and database: one tenant's many streams
 * stop at its limit while another tenant's open as usual, and clients that never read, flooded with output, cost
 * only their own streams while a well-behaved client of another tenant keeps getting its events.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "kiff.api.max-streams-per-tenant=" + EventStreamSharingIT.PER_TENANT,
        "kiff.api.stream-max-pending=64",
        "kiff.api.stream-send-timeout=2s",
        // Quick keep-alives: a stream whose client went away is noticed, and given back, within a second.
        "kiff.api.keep-alive=500ms"})
class EventStreamSharingIT extends ApiIntegrationTest {

    static final int PER_TENANT = 10;
    private static final Duration SEEN = Duration.ofSeconds(20);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** One chunk as large as the worker's live output makes them. */
    private static final String CHUNK = "x".repeat(16_000) + "\n";

    @Autowired
    OpenStreams streams;

    private StandInWorker worker;

    @BeforeEach
    void setUp() {
        // Room for the flood: every chunk of it is kept and announced.
        worker = new StandInWorker(jobs, logs, kafka, codec, clock, 64L << 20);
        ListenersReady.hear(live, kafka, codec);
    }

    @Test
    void refusesATenantsStreamsPastItsLimitWhileAnotherTenantsOpen() {
        TestTenants.Made greedy = TestTenants.create(port, "greedy");
        TestTenants.Made other = TestTenants.create(port, "other");
        ApiClient api = greedy.client(port);
        List<SseRecorder> open = new ArrayList<>();
        try {
            for (int i = 0; i < PER_TENANT; i++) {
                SseRecorder stream = SseRecorder.open(api.base(), "/v1/events", greedy.apiKey());
                open.add(stream);
                assertThat(stream.status()).isEqualTo(200);
            }
            await().atMost(SEEN).until(() -> streams.held(greedy.id()) == PER_TENANT);

            // Opened as a stream, so a server without the limit answers a stream (200) rather than hanging the test.
            SseRecorder refused = SseRecorder.open(api.base(), "/v1/events", greedy.apiKey());
            open.add(refused);
            assertThat(refused.status()).as("one stream past the limit").isEqualTo(429);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            await().atMost(SEEN).until(refused::ended);
            JsonNode problem = JSON.readTree(refused.body());
            assertThat(problem.path("type").asString()).isEqualTo("urn:kiff:problem:too-many-streams");
            assertThat(problem.path("scope").asString()).isEqualTo("tenant");
            assertThat(problem.path("limit").asInt()).isEqualTo(PER_TENANT);
            assertThat(problem.path("detail").asString()).contains("event streams open");

            // A job's stream counts against the same limit.
            String job = submit(api);
            SseRecorder jobStream = SseRecorder.open(api.base(), "/v1/jobs/" + job + "/events", greedy.apiKey());
            open.add(jobStream);
            assertThat(jobStream.status()).isEqualTo(429);

            try (SseRecorder others = SseRecorder.open(api.base(), "/v1/events", other.apiKey())) {
                assertThat(others.status()).isEqualTo(200);
            }

            // A stream given up makes room for another.
            open.remove(0).close();
            await().atMost(SEEN).until(() -> streams.held(greedy.id()) < PER_TENANT);
            SseRecorder again = SseRecorder.open(api.base(), "/v1/events", greedy.apiKey());
            open.add(again);
            assertThat(again.status()).isEqualTo(200);
        } finally {
            open.forEach(SseRecorder::close);
        }
    }

    @Test
    void clientsThatNeverReadCostOnlyTheirOwnStreamsWhileOutputFloods() throws Exception {
        TestTenants.Made flooder = TestTenants.create(port, "flooder");
        TestTenants.Made neighbour = TestTenants.create(port, "neighbour");
        String flooded = submit(flooder.client(port));
        String quiet = submit(neighbour.client(port));

        List<SilentClient> silent = new ArrayList<>();
        try {
            // As many never-reading streams as the tenant may hold: more than a small shared pool has threads.
            for (int i = 0; i < PER_TENANT; i++) {
                silent.add(SilentClient.open(port, "/v1/jobs/" + flooded + "/events", flooder.apiKey()));
            }
            StandInWorker.Run flood = worker.start(flooded);
            for (int i = 0; i < 300; i++) {
                flood.stdout(CHUNK);
            }
            // The flood goes on while the neighbour watches its own job.
            CompletableFuture<Void> more = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 300; i++) {
                    flood.stdout(CHUNK);
                }
            });

            try (SseRecorder watching = SseRecorder.open(neighbour.client(port).base(), "/v1/jobs/" + quiet + "/events",
                    neighbour.apiKey())) {
                await().atMost(SEEN).until(() -> watching.ids().contains("0.0"));
                StandInWorker.Run run = worker.start(quiet);
                await().atMost(SEEN).until(() -> watching.ids().contains("1.0"));
                for (int i = 1; i <= 5; i++) {
                    run.stdout("line " + i + "\n");
                    String id = "1." + i;
                    await().atMost(SEEN).until(() -> watching.ids().contains(id));
                }
                run.succeed();
                await().atMost(SEEN).until(watching::ended);
                assertThat(watching.ids()).containsExactly("0.0", "1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "end");
            }
            more.join();

            // The streams that fell behind were ended rather than buffering the flood: nothing watches the job now.
            await().atMost(SEEN).until(() -> liveWatchersOf(flooded) == 0);
            flood.giveUp("the test is over");
        } finally {
            silent.forEach(SilentClient::close);
        }
    }

    private int liveWatchersOf(String job) {
        return live.watchers(UUID.fromString(job));
    }

    private static String submit(ApiClient api) {
        Reply reply = api.postJob(JobRequests.python("print('hello')").json());
        assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
        return reply.json().path("id").asString();
    }

    /**
     * A client that opens an event stream, reads the answer's head, and then never reads again: its socket's receive
     * window (kept small) fills, and the server's writes to it block.
     */
    private static final class SilentClient implements AutoCloseable {
        private final Socket socket;

        private SilentClient(Socket socket) {
            this.socket = socket;
        }

        static SilentClient open(int port, String path, String key) throws IOException {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(4096);
            socket.setSoTimeout(10_000);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n"
                    + "Authorization: Bearer " + key + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = readHead(socket.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 200");
            return new SilentClient(socket);
        }

        private static String readHead(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
            return head.toString();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // going away anyway
            }
        }
    }
}
