package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.api.ApiClient.Reply;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every request passes before its body is parsed, against the running API: the caller's key first (the admin key
 * for the admin API, a tenant's for the rest), then the body's size by its kind. A caller without a key, or with a
 * body over the cap, is answered at once, however much (or however slowly) it sends.
 */
class RequestGuardsIT extends ApiIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Longer than any answer takes; a guard that does not act leaves the client waiting past it. */
    private static final int ANSWER_WITHIN_MS = 15_000;

    @Test
    void refusesAnAdminRequestWithoutTheKeyBeforeParsingItsBody() throws Exception {
        HttpResponse<String> reply = post("/v1/admin/tenants", null, "{ this is not json");
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(401);
        assertProblem(reply.headers().firstValue("Content-Type").orElse(""), reply.body(), "unauthorized");

        HttpResponse<String> wrongKey = post("/v1/admin/tenants", ApiClient.ACME_KEY, "{ this is not json");
        assertThat(wrongKey.statusCode()).as(wrongKey.body()).isEqualTo(401);
    }

    @Test
    void answersAnAdminRequestWithoutTheKeyWhileItsBodyNeverEnds() throws Exception {
        assertThat(statusWhileSendingForever("/v1/admin/tenants", null)).startsWith("HTTP/1.1 401");
    }

    @Test
    void answersATenantRequestWithoutAValidKeyWhileItsBodyNeverEnds() throws Exception {
        assertThat(statusWhileSendingForever("/v1/jobs", "not-a-key")).startsWith("HTTP/1.1 401");
        assertThat(statusWhileSendingForever("/v1/batches", null)).startsWith("HTTP/1.1 401");
    }

    @Test
    void refusesABodyOverItsDeclaredCapBeforeReadingIt() throws Exception {
        // A gigabyte declared, a few bytes sent: the answer comes without the server waiting for the rest.
        String answer = declareAndStall("/v1/jobs", ApiClient.ACME_KEY, 1L << 30);
        assertThat(answer).startsWith("HTTP/1.1 413");
        assertThat(answer).contains("application/problem+json").contains("urn:kiff:problem:too-large");
        assertThat(declareAndStall("/v1/batches", ApiClient.ACME_KEY, 1L << 30)).startsWith("HTTP/1.1 413");
        assertThat(declareAndStall("/v1/admin/tenants", ApiClient.ADMIN_KEY, 1L << 20)).startsWith("HTTP/1.1 413");
    }

    @Test
    void guardsTheMcpEndpointAsTheRestApi() throws Exception {
        // The MCP servlet is behind the same filters: no key, no reading; a body over the cap, refused unread.
        assertThat(statusWhileSendingForever("/mcp", null)).startsWith("HTTP/1.1 401");
        assertThat(statusWhileSendingForever("/mcp", "not-a-key")).startsWith("HTTP/1.1 401");
        assertThat(declareAndStall("/mcp", ApiClient.ACME_KEY, 1L << 30)).startsWith("HTTP/1.1 413")
                .contains("urn:kiff:problem:too-large");
    }

    @Test
    void refusesAChunkedAdminBodyOverItsCapWhateverItHolds() throws Exception {
        // Valid JSON that would make a tenant, padded past the admin cap (64 KB): refused, nothing made.
        String name = TestTenants.uniqueName("padded");
        String body = "{\"name\": \"" + name + "\"" + " ".repeat(256 * 1024) + "}";
        HttpResponse<String> reply = postChunked("/v1/admin/tenants", ApiClient.ADMIN_KEY, body);
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(413);
        assertProblem(reply.headers().firstValue("Content-Type").orElse(""), reply.body(), "too-large");
        assertThat(JSON.readTree(reply.body()).path("limit").asLong()).isEqualTo(64 * 1024);

        // The same, within the cap, is taken: the cap is what refused it.
        HttpResponse<String> small = postChunked("/v1/admin/tenants", ApiClient.ADMIN_KEY,
                "{\"name\": \"" + name + "\"}");
        assertThat(small.statusCode()).as(small.body()).isEqualTo(201);
    }

    @Test
    void refusesAChunkedJobBodyOverItsCapWhileABatchMayBeLarger() throws Exception {
        // 5 MB: over a job's cap (4 MB), under a batch's (64 MB).
        String padding = " ".repeat(5 * 1024 * 1024);
        HttpResponse<String> job = postChunked("/v1/jobs", ApiClient.ACME_KEY,
                JobRequests.python("print(1)").json() + padding);
        assertThat(job.statusCode()).as(job.body()).isEqualTo(413);
        assertProblem(job.headers().firstValue("Content-Type").orElse(""), job.body(), "too-large");

        HttpResponse<String> batch = postChunked("/v1/batches", ApiClient.ACME_KEY,
                "{\"jobs\": [" + JobRequests.python("print(1)").json() + "]}" + padding);
        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(202);
    }

    @Test
    void servesTheActuatorToThisHostsLoopback() {
        Reply health = new ApiClient(port, null).get("/actuator/health");
        assertThat(health.status()).as(health.toString()).isEqualTo(200);
    }

    private static void assertProblem(String contentType, String body, String type) {
        assertThat(contentType).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(body);
        assertThat(problem.path("type").asString()).isEqualTo("urn:kiff:problem:" + type);
    }

    private HttpResponse<String> post(String path, String key, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(new ApiClient(port).base().resolve(path))
                .timeout(Duration.ofMillis(ANSWER_WITHIN_MS))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Posts {@code body} with no declared length: HTTP/1.1 sends it chunked. */
    private HttpResponse<String> postChunked(String path, String key, String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(new ApiClient(port).base().resolve(path))
                .timeout(Duration.ofMillis(ANSWER_WITHIN_MS * 2))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))
                .build();
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Opens a chunked POST and sends chunks of it without end, on another thread, while reading the answer's status
     * line: a server that reads the body before answering never answers.
     */
    private String statusWhileSendingForever(String path, String key) throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(head(path, key, "Transfer-Encoding: chunked").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                byte[] chunk = ("1000\r\n" + "[".repeat(0x1000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                try {
                    while (!socket.isClosed()) {
                        out.write(chunk);
                    }
                } catch (IOException e) {
                    // the server hung up, or the test closed the socket: the end of "forever"
                }
            });
            String status = statusLine(socket.getInputStream());
            socket.close();
            sending.join();
            return status;
        }
    }

    /** Declares a body of {@code length} bytes, sends a few, and reads the answer (head and body). */
    private String declareAndStall(String path, String key, long length) throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(head(path, key, "Content-Length: " + length).getBytes(StandardCharsets.US_ASCII));
            out.write("{\"jobs\": [".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
            int bodyLength = head.toString().lines()
                    .filter(line -> line.regionMatches(true, 0, "Content-Length:", 0, 15))
                    .mapToInt(line -> Integer.parseInt(line.substring(15).trim())).findFirst().orElse(0);
            return head + new String(in.readNBytes(bodyLength), StandardCharsets.UTF_8);
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.setSoTimeout(ANSWER_WITHIN_MS);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return socket;
    }

    private static String head(String path, String key, String framing) {
        return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + (key == null ? "" : "Authorization: Bearer " + key + "\r\n") + framing + "\r\n\r\n";
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            line.append((char) b);
        }
        return line.toString().trim();
    }
}
