package dev.kiff.api.mcp;

import dev.kiff.core.gateway.Artifact;
import dev.kiff.core.gateway.ArtifactStore;
import dev.kiff.model.job.ArtifactInfo;
import dev.kiff.model.job.DisplayItem;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A run's result as an MCP tool result: text a model reads (status and exit code, stdout, stderr), the run's PNG
 * files as image content, and the same facts as structured content for a program. A run that ended other than
 * SUCCEEDED is a <em>tool</em> error ({@code isError}): the call itself worked, and the model should read why the code
 * failed. A session's run adds its display items: the last expression's value as text ({@code value: 42}), each plot
 * as image content.
 */
final class RunAnswers {

    static final String PNG = "image/png";
    static final String TEXT = "text/plain";

    private final ArtifactStore artifacts;

    RunAnswers(ArtifactStore artifacts) {
        this.artifacts = artifacts;
    }

    CallToolResult of(JobResult run) {
        boolean ended = run.status().isTerminal();
        CallToolResult.Builder answer = CallToolResult.builder().addTextContent(headline(run));
        if (notEmpty(run.stdout())) {
            answer.addTextContent(run.stdout() + (run.stdoutTruncated() ? "\n[stdout truncated]" : ""));
        }
        if (notEmpty(run.stderr())) {
            answer.addTextContent("stderr:\n" + run.stderr() + (run.stderrTruncated() ? "\n[stderr truncated]" : ""));
        }
        Set<String> shown = new HashSet<>();
        for (DisplayItem item : run.display()) {
            if (PNG.equals(item.mimeType()) && item.artifact() != null) {
                image(run, item.artifact()).ifPresent(answer::addContent);
                shown.add(item.artifact());
            } else if (item.text() != null) {
                answer.addTextContent(TEXT.equals(item.mimeType()) ? "value: " + item.text() : item.text());
            }
        }
        List<ArtifactInfo> files = ended ? artifacts.list(run.id()) : List.of();
        for (ArtifactInfo file : files) {
            // A plot a display item showed is not shown again as a file.
            if (file.name().toLowerCase(Locale.ROOT).endsWith(".png") && !shown.contains(file.name())) {
                image(run, file.name()).ifPresent(answer::addContent);
            }
        }
        return answer.structuredContent(structured(run, files))
                // Still running is no failure: the run goes on and the caller has its id to follow it.
                .isError(ended && run.status() != JobStatus.SUCCEEDED)
                .build();
    }

    private Optional<McpSchema.ImageContent> image(JobResult run, String artifact) {
        return artifacts.find(run.id(), artifact).map(Artifact::content).map(png ->
                McpSchema.ImageContent.builder(Base64.getEncoder().encodeToString(png), PNG).build());
    }

    private static String headline(JobResult run) {
        StringBuilder line = new StringBuilder("status ").append(run.status());
        if (run.exitCode() != null) {
            line.append(", exit ").append(run.exitCode());
        }
        line.append(run.sessionId() == null ? " (job " + run.id() + ")"
                : " (run " + run.id() + " in session " + run.sessionId() + ")");
        if (notEmpty(run.message())) {
            line.append(": ").append(run.message());
        }
        if (!run.status().isTerminal()) {
            line.append("; the run goes on: follow it with GET /v1/jobs/").append(run.id());
        }
        return line.toString();
    }

    private static Map<String, Object> structured(JobResult run, List<ArtifactInfo> files) {
        // Plain strings and numbers only: the transport's JSON mapper knows nothing of Kiff's types.
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("id", run.id().toString());
        content.put("status", run.status().name());
        content.put("exitCode", run.exitCode());
        content.put("stdout", run.stdout() == null ? "" : run.stdout());
        content.put("stderr", run.stderr() == null ? "" : run.stderr());
        content.put("stdoutTruncated", run.stdoutTruncated());
        content.put("stderrTruncated", run.stderrTruncated());
        if (notEmpty(run.message())) {
            content.put("message", run.message());
        }
        List<Map<String, Object>> artifactList = new ArrayList<>();
        files.forEach(f -> artifactList.add(Map.of("name", f.name(), "sizeBytes", f.sizeBytes())));
        content.put("artifacts", artifactList);
        List<Map<String, Object>> display = new ArrayList<>();
        for (DisplayItem item : run.display()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("mimeType", item.mimeType());
            if (item.text() != null) {
                entry.put("text", item.text());
            }
            if (item.artifact() != null) {
                entry.put("artifact", item.artifact());
            }
            entry.put("bytes", item.bytes());
            display.add(entry);
        }
        content.put("display", display);
        if (run.sessionId() != null) {
            content.put("sessionId", run.sessionId().toString());
        }
        return content;
    }

    /** The JSON Schema of {@link #of}'s structured content; the SDK checks every answer against it. */
    static Map<String, Object> outputSchema() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("id", Map.of("type", "string", "description", "the run's job id"));
        properties.put("status", Map.of("type", "string", "description", "SUCCEEDED, FAILED, TIMED_OUT, ... or "
                + "QUEUED/RUNNING when the wait ran out"));
        properties.put("exitCode", Map.of("type", List.of("integer", "null")));
        properties.put("stdout", Map.of("type", "string"));
        properties.put("stderr", Map.of("type", "string"));
        properties.put("stdoutTruncated", Map.of("type", "boolean"));
        properties.put("stderrTruncated", Map.of("type", "boolean"));
        properties.put("message", Map.of("type", "string"));
        properties.put("artifacts", Map.of("type", "array", "items", Map.of("type", "object", "properties",
                Map.of("name", Map.of("type", "string"), "sizeBytes", Map.of("type", "integer")))));
        properties.put("display", Map.of("type", "array", "items", Map.of("type", "object", "properties",
                Map.of("mimeType", Map.of("type", "string"), "text", Map.of("type", "string"),
                        "artifact", Map.of("type", "string"), "bytes", Map.of("type", "integer")))));
        properties.put("sessionId", Map.of("type", "string"));
        return Map.of("type", "object", "properties", properties, "required", List.of("id", "status"));
    }

    private static boolean notEmpty(String text) {
        return text != null && !text.isEmpty();
    }
}
