package dev.kiff.api.mcp;

import static dev.kiff.api.mcp.KiffMcpTools.objectSchema;
import static dev.kiff.api.mcp.KiffMcpTools.tool;

import dev.kiff.api.results.ResultAwait;
import dev.kiff.api.session.SessionFiles;
import dev.kiff.api.session.SessionWaiters;
import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.core.session.SessionRecord;
import dev.kiff.core.session.SessionService;
import dev.kiff.core.tenant.Tenant;
import dev.kiff.model.job.InvalidJobException;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.Language;
import dev.kiff.model.job.RequestedLimits;
import dev.kiff.model.job.VmType;
import dev.kiff.model.session.SessionRequest;
import dev.kiff.model.session.SessionRunRequest;
import dev.kiff.model.session.SessionState;
import io.modelcontextprotocol.server.McpStatelessServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The session tools of the MCP endpoint: {@code create_session}, {@code run_in_session}, {@code upload_file},
 * {@code download_file}, {@code list_files} and {@code close_session}. Each goes through the same
 * {@link SessionService} as {@code /v1/sessions} for the tenant of the call's API key, so another tenant's session is
 * "not found" here as it is 404 there; a refusal (busy, ended, quota, a bad path) is a tool error with the reason.
 * Every wait is bounded by {@code kiff.mcp.tool-wait}; what is still under way then is answered as such, not as a
 * failure.
 */
public final class SessionTools {

    private static final Logger log = LoggerFactory.getLogger(SessionTools.class);
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final Map<String, Object> SESSION_ID = Map.of("type", "string",
            "description", "the id create_session answered");

    private final SessionService sessions;
    private final SessionWaiters created;
    private final SessionFiles files;
    private final ResultAwait results;
    private final VmTypeCatalogue catalogue;
    private final RunAnswers answers;
    private final Duration toolWait;
    private final JsonMapper json = JsonMapper.builder().build();

    public SessionTools(SessionService sessions, SessionWaiters created, SessionFiles files, ResultAwait results,
            VmTypeCatalogue catalogue, RunAnswers answers, McpProperties properties) {
        this.sessions = sessions;
        this.created = created;
        this.files = files;
        this.results = results;
        this.catalogue = catalogue;
        this.answers = answers;
        this.toolWait = properties.toolWait();
    }

    public List<SyncToolSpecification> specifications() {
        return List.of(
                tool("create_session", """
                        Creates a session: a sandbox of the given VM type held for you across calls. Python keeps \
                        its variables between run_in_session calls, files stay in /workspace. Answers the session id \
                        once it is ready. Close it with close_session when done; it also expires when idle.""",
                        createSchema(), sessionSchema(), this::createSession),
                tool("run_in_session", """
                        Runs code in a session and answers its exit status, stdout, stderr, the value of the last \
                        expression and any plot as an image. State from earlier runs is kept (Python globals, \
                        files in /workspace, the working directory). One run at a time per session.""",
                        runSchema(), RunAnswers.outputSchema(), this::runInSession),
                tool("upload_file", """
                        Writes a file into the session's /workspace: give its text as content, or its bytes base64 \
                        as contentBase64.""", uploadSchema(), fileSchema(), this::uploadFile),
                tool("download_file", """
                        Reads a file from the session's /workspace: text as text, a PNG as an image, anything else \
                        base64 in the structured content's contentBase64.""",
                        objectSchema(Map.of("sessionId", SESSION_ID, "path", pathProperty()),
                                List.of("sessionId", "path")), fileSchema(), this::downloadFile),
                tool("list_files", "Lists the files of the session's /workspace with their sizes in bytes.",
                        objectSchema(Map.of("sessionId", SESSION_ID), List.of("sessionId")), listingSchema(),
                        this::listFiles),
                tool("close_session", """
                        Ends a session: its sandbox and everything in it are gone. Closing an ended session answers \
                        how it ended.""", objectSchema(Map.of("sessionId", SESSION_ID), List.of("sessionId")),
                        sessionSchema(), this::closeSession));
    }

    private CallToolResult createSession(Tenant tenant, CallToolRequest call) {
        Map<String, Object> arguments = call.arguments();
        SessionRequest request = new SessionRequest(VmType.fromWire((String) arguments.get("vmType")),
                limits(arguments.get("limits")), number(arguments.get("idleTimeoutMs")),
                number(arguments.get("maxLifetimeMs")), strings("env", arguments.get("env")),
                strings("files", arguments.get("files")));
        SessionRecord session = sessions.create(request, tenant.id(), null);
        log.info("Session(id={}) created through MCP create_session by tenant {}", session.id(), tenant.id());
        SessionRecord now = session.state() == SessionState.CREATING
                ? joined(created.created(session.id(), toolWait)) : session;
        return sessionAnswer(sessions.record(now.id(), tenant.id()), true);
    }

    private CallToolResult closeSession(Tenant tenant, CallToolRequest call) {
        UUID id = sessionId(call);
        sessions.delete(id, tenant.id());
        return sessionAnswer(sessions.record(id, tenant.id()), false);
    }

    /** @param creating whether an ended session is a failure (it never got ready) or the answer (it was closed) */
    private CallToolResult sessionAnswer(SessionRecord session, boolean creating) {
        Map<String, Object> structured = new LinkedHashMap<>();
        structured.put("sessionId", session.id().toString());
        structured.put("state", session.state().name());
        structured.put("vmType", session.vmType().wireName());
        structured.put("languages", catalogue.policy(session.vmType()).languages().stream()
                .map(Language::wireName).toList());
        StringBuilder text = new StringBuilder("session ").append(session.id()).append(' ')
                .append(session.state()).append(" (").append(session.vmType().wireName()).append(')');
        if (session.expiresAt() != null) {
            structured.put("expiresAt", session.expiresAt().toString());
            text.append("; expires at ").append(session.expiresAt()).append(" unless used");
        }
        if (session.reason() != null) {
            structured.put("reason", session.reason());
            text.append(": ").append(session.reason());
        }
        if (session.state() == SessionState.CREATING) {
            text.append("; not ready yet: run_in_session answers 'not ready' until it is");
        }
        return CallToolResult.builder().addTextContent(text.toString()).structuredContent(structured)
                .isError(creating && session.state().isTerminal()).build();
    }

    private CallToolResult runInSession(Tenant tenant, CallToolRequest call) {
        Map<String, Object> arguments = call.arguments();
        UUID id = sessionId(call);
        Language language = arguments.get("language") instanceof String name ? Language.fromWire(name)
                : defaultLanguage(sessions.record(id, tenant.id()).vmType());
        Job run = sessions.run(id, tenant.id(), new SessionRunRequest(language, (String) arguments.get("code"),
                (String) arguments.get("stdin"), number(arguments.get("timeoutMs"))));
        return answers.of(results.endedBlocking(run.id(), tenant.id(), toolWait));
    }

    private Language defaultLanguage(VmType type) {
        List<Language> offered = catalogue.policy(type).languages();
        return offered.contains(Language.PYTHON) || offered.isEmpty() ? Language.PYTHON : offered.get(0);
    }

    private CallToolResult uploadFile(Tenant tenant, CallToolRequest call) {
        Map<String, Object> arguments = call.arguments();
        Object text = arguments.get("content");
        Object base64 = arguments.get("contentBase64");
        if ((text == null) == (base64 == null)) {
            throw InvalidJobException.of("content", "give exactly one of content (text) and contentBase64");
        }
        byte[] content;
        try {
            content = text != null ? ((String) text).getBytes(StandardCharsets.UTF_8)
                    : Base64.getDecoder().decode((String) base64);
        } catch (IllegalArgumentException e) {
            throw InvalidJobException.of("contentBase64", "is not base64: " + e.getMessage());
        }
        String path = (String) arguments.get("path");
        Job put = sessions.putFile(sessionId(call), tenant.id(), path, content);
        JobResult run = results.endedBlocking(put.id(), tenant.id(), toolWait);
        if (run.status() != JobStatus.SUCCEEDED) {
            return unfinished(run);
        }
        Map<String, Object> structured = new LinkedHashMap<>();
        structured.put("path", path);
        structured.put("sizeBytes", content.length);
        return CallToolResult.builder().addTextContent("wrote " + content.length + " bytes to /workspace/" + path)
                .structuredContent(structured).isError(false).build();
    }

    private CallToolResult downloadFile(Tenant tenant, CallToolRequest call) {
        String path = (String) call.arguments().get("path");
        SessionFiles.Download download = joined(files.download(sessionId(call), tenant.id(), path, toolWait));
        if (download.content() == null) {
            return unfinished(download.run());
        }
        byte[] content = download.content();
        Map<String, Object> structured = new LinkedHashMap<>();
        structured.put("path", path);
        structured.put("sizeBytes", content.length);
        CallToolResult.Builder answer = CallToolResult.builder().isError(false);
        String text = utf8(content);
        if (isPng(content)) {
            String data = Base64.getEncoder().encodeToString(content);
            structured.put("mimeType", RunAnswers.PNG);
            structured.put("contentBase64", data);
            answer.addTextContent("/workspace/" + path + ": a PNG image of " + content.length + " bytes")
                    .addContent(McpSchema.ImageContent.builder(data, RunAnswers.PNG).build());
        } else if (text != null) {
            structured.put("mimeType", "text/plain; charset=utf-8");
            structured.put("content", text);
            answer.addTextContent(text);
        } else {
            structured.put("mimeType", "application/octet-stream");
            structured.put("contentBase64", Base64.getEncoder().encodeToString(content));
            answer.addTextContent("/workspace/" + path + ": " + content.length
                    + " bytes of binary content, base64 in the structured content's contentBase64");
        }
        return answer.structuredContent(structured).build();
    }

    private CallToolResult listFiles(Tenant tenant, CallToolRequest call) {
        SessionFiles.Listing listing = joined(files.list(sessionId(call), tenant.id(), toolWait));
        if (listing.json() == null) {
            return unfinished(listing.run());
        }
        List<Map<String, Object>> entries = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (JsonNode file : json.readTree(listing.json())) {
            String path = file.path("path").asString();
            long size = file.path("size").asLong();
            entries.add(Map.of("path", path, "size", size));
            text.append(path).append(" (").append(size).append(" bytes)\n");
        }
        return CallToolResult.builder()
                .addTextContent(entries.isEmpty() ? "/workspace is empty" : text.toString().strip())
                .structuredContent(Map.of("files", entries)).isError(false).build();
    }

    /**
     * A file operation that did not end with its answer: the run's own answer, a tool error even while the run goes
     * on (the caller has no file, and can try again once the session is idle).
     */
    private CallToolResult unfinished(JobResult run) {
        CallToolResult answer = answers.of(run);
        return CallToolResult.builder().content(answer.content()).structuredContent(answer.structuredContent())
                .isError(true).build();
    }

    private static UUID sessionId(CallToolRequest call) {
        Object id = call.arguments().get("sessionId");
        try {
            return UUID.fromString((String) id);
        } catch (IllegalArgumentException e) {
            throw InvalidJobException.of("sessionId", "'" + id + "' is not a session id (a UUID)");
        }
    }

    /** The future's value; its failure thrown as it is (the handler's guard turns it into a tool error). */
    private static <T> T joined(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException wrapped && wrapped.getCause() != null
                    ? wrapped.getCause() : e.getCause();
            throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
        }
    }

    private static boolean isPng(byte[] content) {
        return content.length >= PNG_SIGNATURE.length
                && Arrays.equals(content, 0, PNG_SIGNATURE.length, PNG_SIGNATURE, 0, PNG_SIGNATURE.length);
    }

    /** The content as text when it is valid UTF-8, else null. */
    private static String utf8(byte[] content) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static Long number(Object value) {
        return value instanceof Number n ? n.longValue() : null;
    }

    private static RequestedLimits limits(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            return null;
        }
        Long timeoutMs = number(map.get("timeoutMs"));
        Long memoryMb = number(map.get("memoryMb"));
        Long pids = number(map.get("pids"));
        Long outputBytes = number(map.get("outputBytes"));
        return new RequestedLimits(timeoutMs, memoryMb == null ? null : memoryMb.intValue(),
                map.get("cpus") instanceof Number cpus ? cpus.doubleValue() : null,
                pids == null ? null : pids.intValue(), outputBytes == null ? null : outputBytes.intValue());
    }

    private static Map<String, String> strings(String field, Object value) {
        if (value == null) {
            return null;
        }
        Map<String, String> strings = new LinkedHashMap<>();
        ((Map<?, ?>) value).forEach((name, text) -> {
            if (!(text instanceof String string)) {
                throw InvalidJobException.of(field + "." + name, "must be a string");
            }
            strings.put(String.valueOf(name), string);
        });
        return strings;
    }

    private static Map<String, Object> pathProperty() {
        return Map.of("type", "string", "description",
                "relative to /workspace, e.g. data/in.csv; no '..', no hidden names");
    }

    private static Map<String, Object> createSchema() {
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("timeoutMs", Map.of("type", "integer", "minimum", 1, "description", "each run's time limit"));
        limits.put("memoryMb", Map.of("type", "integer", "minimum", 1));
        limits.put("cpus", Map.of("type", "number", "exclusiveMinimum", 0));
        limits.put("pids", Map.of("type", "integer", "minimum", 1));
        limits.put("outputBytes", Map.of("type", "integer", "minimum", 1));
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("vmType", Map.of("type", "string", "enum",
                Arrays.stream(VmType.values()).map(VmType::wireName).toList(),
                "description", "the kind of sandbox; list_vm_types tells what each offers"));
        properties.put("idleTimeoutMs", Map.of("type", "integer", "minimum", 1,
                "description", "how long it may wait for a run before it expires"));
        properties.put("maxLifetimeMs", Map.of("type", "integer", "minimum", 1,
                "description", "how long it may live at all"));
        properties.put("limits", objectSchema(limits, List.of()));
        properties.put("env", Map.of("type", "object", "additionalProperties", Map.of("type", "string"),
                "description", "environment variables of every run"));
        properties.put("files", Map.of("type", "object", "additionalProperties", Map.of("type", "string"),
                "description", "text files placed in /workspace before the first run, path to content"));
        return objectSchema(properties, List.of("vmType"));
    }

    private static Map<String, Object> runSchema() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("sessionId", SESSION_ID);
        properties.put("code", Map.of("type", "string", "description", "the code to run"));
        properties.put("language", Map.of("type", "string", "enum",
                Arrays.stream(Language.values()).map(Language::wireName).toList(),
                "description", "python when absent (if the VM type offers it)"));
        properties.put("stdin", Map.of("type", "string"));
        properties.put("timeoutMs", Map.of("type", "integer", "minimum", 1,
                "description", "this run's time limit; the session's when absent"));
        return objectSchema(properties, List.of("sessionId", "code"));
    }

    private static Map<String, Object> uploadSchema() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("sessionId", SESSION_ID);
        properties.put("path", pathProperty());
        properties.put("content", Map.of("type", "string", "description", "the file's text (UTF-8)"));
        properties.put("contentBase64", Map.of("type", "string", "description", "the file's bytes, base64"));
        return objectSchema(properties, List.of("sessionId", "path"));
    }

    private static Map<String, Object> sessionSchema() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("sessionId", Map.of("type", "string"));
        properties.put("state", Map.of("type", "string", "enum",
                Arrays.stream(SessionState.values()).map(Enum::name).toList()));
        properties.put("vmType", Map.of("type", "string"));
        properties.put("languages", Map.of("type", "array", "items", Map.of("type", "string")));
        properties.put("expiresAt", Map.of("type", "string"));
        properties.put("reason", Map.of("type", "string"));
        return Map.of("type", "object", "properties", properties, "required", List.of("sessionId", "state"));
    }

    private static Map<String, Object> fileSchema() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("path", Map.of("type", "string"));
        properties.put("sizeBytes", Map.of("type", "integer"));
        properties.put("mimeType", Map.of("type", "string"));
        properties.put("content", Map.of("type", "string"));
        properties.put("contentBase64", Map.of("type", "string"));
        return Map.of("type", "object", "properties", properties, "required", List.of("path", "sizeBytes"));
    }

    private static Map<String, Object> listingSchema() {
        Map<String, Object> file = Map.of("type", "object", "properties",
                Map.of("path", Map.of("type", "string"), "size", Map.of("type", "integer")));
        return Map.of("type", "object", "properties", Map.of("files", Map.of("type", "array", "items", file)),
                "required", List.of("files"));
    }
}
