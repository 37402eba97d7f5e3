package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kiff.api.ApiClient.Reply;
import dev.kiff.core.gateway.Artifact;
import dev.kiff.core.gateway.ArtifactStore;
import dev.kiff.api.session.SessionProperties;
import dev.kiff.core.port.JobRecord;
import dev.kiff.core.session.SessionStore;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.VmType;
import dev.kiff.model.session.SessionOp;
import dev.kiff.testkit.SharedInfrastructure;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ImageContent;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The MCP endpoint driven by an MCP client Kiff did not write: the official Java SDK's own streamable-HTTP client,
 * with the tenant's key in its {@code Authorization} header. {@code run_code} goes through the real submission path
 * and broker; a {@link StandInJobFeed} reads the job topic and runs each job on a {@link StandInWorker}, which plays
 * the code by the script below, so the tool call waits for a result that really travelled back on
 * {@code kiff.results}.
 */
class McpEndpointIT extends ApiIntegrationTest {

    private static final VmType TYPE = VmType.CODE_EXEC;
    /** The 8-byte PNG signature and a little more: what a plot would leave in {@code /out}. */
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13};

    /** The tools issue 13 asks for. */
    private static final List<String> TOOLS = List.of("run_code", "list_vm_types", "create_session",
            "run_in_session", "upload_file", "download_file", "list_files", "close_session");
    /** The tenants whose sessions the stand-in session worker opens. */
    private static final Set<String> SESSION_TENANTS = ConcurrentHashMap.newKeySet();
    private static StandInSessionWorker sessionWorker;

    @Autowired
    SessionProperties sessionProperties;

    private TestTenants.Made tenant;
    private StandInJobFeed feed;

    /** What the stand-in sandbox does for each program text. */
    private final Map<String, Consumer<StandInWorker.Run>> script = Map.of(
            "print('hello')", run -> run.stdout("hello\n").exit(0),
            "import sys; sys.exit(3)", run -> run.stderr("boom\n").exit(3),
            "plot()", run -> {
                artifacts.save(run.id(), List.of(new Artifact("plot.png", PNG), new Artifact("data.csv",
                        "a,b\n".getBytes())));
                run.exit(0);
            });

    @BeforeEach
    void startFeed() {
        tenant = TestTenants.create(port, "mcp");
        StandInWorker worker = standInWorker();
        feed = new StandInJobFeed(SharedInfrastructure.kafka().bootstrapServers(), TYPE, id -> {
            Job job = jobs.find(id).map(JobRecord::job).orElseThrow();
            script.get(job.code()).accept(worker.start(id));
            return true;
        }, codec, Set.of(tenant.id())).start();
        if (sessionWorker == null) {
            sessionWorker = new StandInSessionWorker(sessionKit(), SESSION_TENANTS).interpreting();
        }
        SESSION_TENANTS.add(tenant.id());
    }

    @AfterEach
    void stopFeed() throws InterruptedException {
        feed.close();
    }

    @AfterAll
    static void stopSessionWorker() throws InterruptedException {
        if (sessionWorker != null) {
            sessionWorker.close();
            sessionWorker = null;
        }
    }

    @Test
    void listsTheToolsOfTheIssue() {
        try (McpSyncClient client = client(tenant.apiKey())) {
            client.initialize();
            List<McpSchema.Tool> tools = client.listTools().tools();

            assertThat(tools).extracting(McpSchema.Tool::name).containsExactlyInAnyOrderElementsOf(TOOLS);
            assertThat(tools).filteredOn(tool -> !tool.name().equals("list_vm_types"))
                    .allSatisfy(tool -> assertThat(tool.outputSchema()).as(tool.name()).isNotNull());
        }
    }

    @Test
    void aSessionKeepsStateAcrossRuns() {
        try (McpSyncClient client = client(tenant.apiKey())) {
            client.initialize();
            String session = createSession(client);

            CallToolResult assigned = call(client, "run_in_session", Map.of("sessionId", session, "code", "x = 41"));
            assertThat(assigned.isError()).as(assigned.toString()).isFalse();
            CallToolResult value = call(client, "run_in_session", Map.of("sessionId", session, "code", "x + 1"));

            assertThat(value.isError()).as(value.toString()).isFalse();
            assertThat(texts(value)).first().asString().startsWith("status SUCCEEDED, exit 0")
                    .contains("in session " + session);
            assertThat(texts(value)).contains("value: 42");
            Map<?, ?> structured = (Map<?, ?>) value.structuredContent();
            assertThat(structured.get("sessionId")).isEqualTo(session);
            assertThat((List<?>) structured.get("display")).singleElement()
                    .satisfies(item -> assertThat(((Map<?, ?>) item).get("text")).isEqualTo("42"));
            assertThat(sessionWorker.commands(UUID.fromString(session))).hasSize(2);
        }
    }

    @Test
    void runInSessionAnswersAPlotAsImageContent() {
        try (McpSyncClient client = client(tenant.apiKey())) {
            client.initialize();
            String session = createSession(client);

            CallToolResult result = call(client, "run_in_session", Map.of("sessionId", session, "code", "plot()"));

            assertThat(result.isError()).as(result.toString()).isFalse();
            UUID run = UUID.fromString((String) ((Map<?, ?>) result.structuredContent()).get("id"));
            byte[] stored = artifacts.find(run, "display/1.png").orElseThrow().content();
            assertThat(stored).isEqualTo(StandInSessionWorker.PLOT);
            List<ImageContent> images = result.content().stream()
                    .filter(ImageContent.class::isInstance).map(ImageContent.class::cast).toList();
            assertThat(images).as("the plot once, though it is also the run's artifact").hasSize(1);
            assertThat(images.get(0).mimeType()).isEqualTo("image/png");
            assertThat(Base64.getDecoder().decode(images.get(0).data())).isEqualTo(stored);
        }
    }

    @Test
    void filesRoundTripThroughTools() {
        byte[] binary = {0, 1, 2, (byte) 0xFF, (byte) 0xFE, 'x'};
        try (McpSyncClient client = client(tenant.apiKey())) {
            client.initialize();
            String session = createSession(client);

            CallToolResult text = call(client, "upload_file",
                    Map.of("sessionId", session, "path", "data/in.csv", "content", "a,b\n1,2\n"));
            assertThat(text.isError()).as(text.toString()).isFalse();
            assertThat(((Map<?, ?>) text.structuredContent()).get("sizeBytes")).isEqualTo(8);
            assertThat(call(client, "upload_file", Map.of("sessionId", session, "path", "out/p.png",
                    "contentBase64", Base64.getEncoder().encodeToString(PNG))).isError()).isFalse();
            assertThat(call(client, "upload_file", Map.of("sessionId", session, "path", "bin.dat",
                    "contentBase64", Base64.getEncoder().encodeToString(binary))).isError()).isFalse();

            CallToolResult listing = call(client, "list_files", Map.of("sessionId", session));
            assertThat(listing.isError()).as(listing.toString()).isFalse();
            List<Object> listed = List.copyOf((List<?>) ((Map<?, ?>) listing.structuredContent()).get("files"));
            assertThat(listed).containsExactly(
                    Map.of("path", "bin.dat", "size", binary.length), Map.of("path", "data/in.csv", "size", 8),
                    Map.of("path", "out/p.png", "size", PNG.length));
            assertThat(texts(listing)).singleElement().asString().contains("data/in.csv (8 bytes)");

            CallToolResult csv = call(client, "download_file", Map.of("sessionId", session, "path", "data/in.csv"));
            assertThat(csv.isError()).as(csv.toString()).isFalse();
            assertThat(texts(csv)).containsExactly("a,b\n1,2\n");
            CallToolResult png = call(client, "download_file", Map.of("sessionId", session, "path", "out/p.png"));
            assertThat(png.content()).filteredOn(ImageContent.class::isInstance).singleElement()
                    .satisfies(image -> assertThat(Base64.getDecoder().decode(((ImageContent) image).data()))
                            .isEqualTo(PNG));
            CallToolResult bin = call(client, "download_file", Map.of("sessionId", session, "path", "bin.dat"));
            assertThat(bin.isError()).as(bin.toString()).isFalse();
            assertThat(Base64.getDecoder().decode((String) ((Map<?, ?>) bin.structuredContent())
                    .get("contentBase64"))).isEqualTo(binary);

            CallToolResult missing = call(client, "download_file", Map.of("sessionId", session, "path", "nope.txt"));
            assertThat(missing.isError()).as(missing.toString()).isTrue();
            CallToolResult traversal = call(client, "download_file",
                    Map.of("sessionId", session, "path", "../etc/passwd"));
            assertThat(traversal.isError()).as(traversal.toString()).isTrue();
            assertThat(texts(traversal)).first().asString().startsWith("invalid request");
        }
    }

    @Test
    void anotherTenantsSessionIsNotFound() {
        String session;
        try (McpSyncClient owner = client(tenant.apiKey())) {
            owner.initialize();
            session = createSession(owner);
        }
        TestTenants.Made other = TestTenants.create(port, "mcp-intruder");
        SESSION_TENANTS.add(other.id());
        try (McpSyncClient intruder = client(other.apiKey())) {
            intruder.initialize();
            List<CallToolResult> answers = List.of(
                    call(intruder, "run_in_session", Map.of("sessionId", session, "code", "x = 1")),
                    call(intruder, "upload_file", Map.of("sessionId", session, "path", "a.txt", "content", "x")),
                    call(intruder, "download_file", Map.of("sessionId", session, "path", "a.txt")),
                    call(intruder, "list_files", Map.of("sessionId", session)),
                    call(intruder, "close_session", Map.of("sessionId", session)));

            assertThat(answers).allSatisfy(answer -> {
                assertThat(answer.isError()).as(answer.toString()).isTrue();
                assertThat(texts(answer)).first().asString().startsWith("not found: no session with id " + session);
            });
        }
        assertThat(sessionWorker.commands(UUID.fromString(session))).as("nothing reached the worker").isEmpty();
        assertThat(tenant.client(port).get("/v1/sessions/" + session).json().path("state").asString())
                .isEqualTo("READY");
    }

    @Test
    void closeSessionEndsIt() {
        try (McpSyncClient client = client(tenant.apiKey())) {
            client.initialize();
            String session = createSession(client);

            CallToolResult closed = call(client, "close_session", Map.of("sessionId", session));

            assertThat(closed.isError()).as(closed.toString()).isFalse();
            assertThat(((Map<?, ?>) closed.structuredContent()).get("state")).isEqualTo("DELETED");
            await().atMost(Duration.ofSeconds(30)).until(() -> sessionWorker.commands(UUID.fromString(session))
                    .stream().anyMatch(c -> c.session().op() == SessionOp.CLOSE));
            CallToolResult after = call(client, "run_in_session", Map.of("sessionId", session, "code", "x = 1"));
            assertThat(after.isError()).as(after.toString()).isTrue();
            assertThat(texts(after)).first().asString().contains("ended DELETED");
        }
    }

    @Test
    void takesAnUploadOfTheLargestFileThoughOverTheApiBodyCap() throws Exception {
        // The call is over kiff.api.max-body-size: /mcp's cap makes room for a whole file, base64.
        String content = Base64.getEncoder().encodeToString(new byte[sessionProperties.maxFileSize()]);
        String body = """
                {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"upload_file","arguments":\
                {"sessionId":"%s","path":"big.bin","contentBase64":"%s"}}}""".formatted(UUID.randomUUID(), content);
        HttpResponse<String> reply = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(mcpPost(HttpRequest.BodyPublishers.ofString(body)), HttpResponse.BodyHandlers.ofString());

        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        assertThat(reply.body()).contains("not found: no session with id");
    }

    @Test
    void runCodeAnswersStdoutAndExitStatus() {
        try (McpSyncClient client = client(tenant.apiKey())) {
            client.initialize();
            CallToolResult result = runCode(client, "print('hello')");

            assertThat(result.isError()).as(result.toString()).isFalse();
            assertThat(texts(result)).first().asString().startsWith("status SUCCEEDED, exit 0");
            assertThat(texts(result)).contains("hello\n");
            Map<?, ?> structured = (Map<?, ?>) result.structuredContent();
            assertThat(structured.get("status")).isEqualTo("SUCCEEDED");
            assertThat(structured.get("exitCode")).isEqualTo(0);
            assertThat(structured.get("stdout")).isEqualTo("hello\n");
            UUID id = UUID.fromString((String) structured.get("id"));
            assertThat(feed.runs(id)).isEqualTo(1);
        }
    }

    @Test
    void aFailedRunIsAToolError() {
        try (McpSyncClient client = client(tenant.apiKey())) {
            client.initialize();
            CallToolResult result = runCode(client, "import sys; sys.exit(3)");

            assertThat(result.isError()).as(result.toString()).isTrue();
            assertThat(texts(result)).first().asString().startsWith("status FAILED, exit 3");
            assertThat(texts(result)).contains("stderr:\nboom\n");
            assertThat(((Map<?, ?>) result.structuredContent()).get("exitCode")).isEqualTo(3);
        }
    }

    @Test
    void runCodeAnswersPngFilesAsImageContent() {
        try (McpSyncClient client = client(tenant.apiKey())) {
            client.initialize();
            CallToolResult result = runCode(client, "plot()");

            assertThat(result.isError()).as(result.toString()).isFalse();
            List<ImageContent> images = result.content().stream()
                    .filter(ImageContent.class::isInstance).map(ImageContent.class::cast).toList();
            assertThat(images).hasSize(1);
            assertThat(images.get(0).mimeType()).isEqualTo("image/png");
            assertThat(Base64.getDecoder().decode(images.get(0).data())).isEqualTo(PNG);
        }
    }

    @Test
    void refusesArgumentsOutsideTheSchemaBeforeSubmitting() {
        try (McpSyncClient client = client(tenant.apiKey())) {
            client.initialize();
            CallToolResult result = client.callTool(new McpSchema.CallToolRequest("run_code",
                    Map.of("vmType", "no-such-type", "language", "python", "code", "print('hello')")));

            assertThat(result.isError()).isTrue();
            assertThat(jobCount()).isZero();
        }
    }

    @Test
    void listsTheVmTypes() {
        try (McpSyncClient client = client(tenant.apiKey())) {
            client.initialize();
            CallToolResult result = client.callTool(new McpSchema.CallToolRequest("list_vm_types", Map.of()));

            assertThat(result.isError()).isFalse();
            List<?> types = (List<?>) ((Map<?, ?>) result.structuredContent()).get("vmTypes");
            assertThat(types.stream().map(t -> String.valueOf(((Map<?, ?>) t).get("name"))).toList())
                    .containsExactly("code-exec", "ml-agent", "api-composition", "data-processing");
            assertThat(List.copyOf((List<?>) ((Map<?, ?>) types.get(0)).get("languages"))).asString()
                    .contains("python");
            assertThat(texts(result).get(0)).contains("code-exec: ");
        }
    }

    @Test
    void refusesAClientWithoutAKey() {
        try (McpSyncClient client = client(null)) {
            assertThatThrownBy(client::initialize);
        }
        try (McpSyncClient client = client("kiff_not_a_key")) {
            assertThatThrownBy(client::initialize);
        }
        Reply raw = new ApiClient(port, null).post("/mcp", """
                {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"run_code","arguments":\
                {"vmType":"code-exec","language":"python","code":"print('hello')"}}}""");
        assertThat(raw.status()).as(raw.toString()).isEqualTo(401);
        assertThat(raw.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"kiff\"");
        assertThat(raw.contentType()).startsWith("application/problem+json");
    }

    @Test
    void refusesAChunkedBodyOverTheCap() throws Exception {
        // 7 MiB without a declared length: over the /mcp cap (a 4 MiB file base64 and room: 5.4 MiB), cut off
        // while it is read.
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}" + " ".repeat(7 * 1024 * 1024);
        HttpResponse<String> reply = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(mcpPost(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)))),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(413);
    }

    @Test
    void anotherTenantsJobIsNotVisible() {
        try (McpSyncClient client = client(tenant.apiKey())) {
            client.initialize();
            CallToolResult result = runCode(client, "print('hello')");
            String id = (String) ((Map<?, ?>) result.structuredContent()).get("id");

            assertThat(jobs.find(UUID.fromString(id)).orElseThrow().job().tenant()).isEqualTo(tenant.id());
            assertThat(tenant.client(port).get("/v1/jobs/" + id).status()).isEqualTo(200);
            TestTenants.Made other = TestTenants.create(port, "mcp-other");
            assertThat(other.client(port).get("/v1/jobs/" + id).status()).isEqualTo(404);
        }
    }

    /** A session of the test's tenant, READY: its id. */
    private String createSession(McpSyncClient client) {
        CallToolResult created = call(client, "create_session", Map.of("vmType", TYPE.wireName()));
        assertThat(created.isError()).as(created.toString()).isFalse();
        Map<?, ?> structured = (Map<?, ?>) created.structuredContent();
        assertThat(structured.get("state")).as(created.toString()).isEqualTo("READY");
        return (String) structured.get("sessionId");
    }

    private static CallToolResult call(McpSyncClient client, String tool, Map<String, Object> arguments) {
        return client.callTool(new McpSchema.CallToolRequest(tool, arguments));
    }

    /** A raw MCP POST with the test tenant's key, as a streamable-HTTP client sends it. */
    private HttpRequest mcpPost(HttpRequest.BodyPublisher body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/mcp"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + tenant.apiKey())
                .POST(body)
                .build();
    }

    private CallToolResult runCode(McpSyncClient client, String code) {
        return client.callTool(new McpSchema.CallToolRequest("run_code",
                Map.of("vmType", TYPE.wireName(), "language", "python", "code", code)));
    }

    private long jobCount() {
        return new JdbcTemplate(dataSource).queryForObject("SELECT count(*) FROM jobs WHERE tenant = ?", Long.class,
                tenant.id());
    }

    private static List<String> texts(CallToolResult result) {
        return result.content().stream().filter(TextContent.class::isInstance)
                .map(c -> ((TextContent) c).text()).toList();
    }

    /** The SDK's client against this API's {@code /mcp}; {@code key} null sends no {@code Authorization}. */
    private McpSyncClient client(String key) {
        HttpClientStreamableHttpTransport.Builder transport =
                HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port).endpoint("/mcp");
        if (key != null) {
            transport.httpRequestCustomizer((request, method, uri, body, context) ->
                    request.header("Authorization", "Bearer " + key));
        }
        return McpClient.sync(transport.build()).requestTimeout(Duration.ofSeconds(30)).build();
    }
}
