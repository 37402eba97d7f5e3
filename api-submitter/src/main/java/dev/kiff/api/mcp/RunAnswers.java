package dev.kiff.api.mcp;

import dev.kiff.core.gateway.Artifact;
import dev.kiff.core.gateway.ArtifactStore;
import dev.kiff.model.job.ArtifactInfo;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's result as an MCP tool result: text a model reads (status and exit code, stdout, stderr), the run's PNG
 * files as image content, and the same facts as structured content for a program. A run that ended other than
 * SUCCEEDED is a <em>tool</em> error ({@code isError}): the call itself worked, and the model should read why the code
 * failed. One-shot runs answer through here today; session runs are meant to as well.
 */
final class RunAnswers {

    static final String PNG = "image/png";

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
        List<ArtifactInfo> files = ended ? artifacts.list(run.id()) : List.of();
        for (ArtifactInfo file : files) {
            if (file.name().toLowerCase(Locale.ROOT).endsWith(".png")) {
                artifacts.find(run.id(), file.name()).map(Artifact::content).ifPresent(png -> answer.addContent(
                        McpSchema.ImageContent.builder(Base64.getEncoder().encodeToString(png), PNG).build()));
            }
        }
        return answer.structuredContent(structured(run, files))
                // Still running is no failure: the run goes on and the caller has its id to follow it.
                .isError(ended && run.status() != JobStatus.SUCCEEDED)
                .build();
    }

    private static String headline(JobResult run) {
        StringBuilder line = new StringBuilder("status ").append(run.status());
        if (run.exitCode() != null) {
            line.append(", exit ").append(run.exitCode());
        }
        line.append(" (job ").append(run.id()).append(')');
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
        return content;
    }

    private static boolean notEmpty(String text) {
        return text != null && !text.isEmpty();
    }
}
