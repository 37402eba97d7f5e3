package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiff.api.ApiClient.Reply;
import dev.kiff.core.gateway.Artifact;
import dev.kiff.core.gateway.ArtifactStore;
import dev.kiff.core.port.JobRecord;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.VmType;
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
import java.util.function.Consumer;
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

    @Autowired
    ArtifactStore artifacts;

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
    }

    @AfterEach
    void stopFeed() throws InterruptedException {
        feed.close();
    }

    @Test
    void listsTheTools() {
        try (McpSyncClient client = client(tenant.apiKey())) {
            client.initialize();
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name)
                    .contains("run_code", "list_vm_types");
        }
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
        // 5 MB without a declared length: over kiff.api.max-body-size (4 MB), cut off while it is read.
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}" + " ".repeat(5 * 1024 * 1024);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/mcp"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + tenant.apiKey())
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))))
                .build();
        HttpResponse<String> reply = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofString());
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
