package dev.kiff.api.mcp;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The MCP endpoint at {@code /mcp} ({@code kiff.mcp.*}).
 *
 * @param toolWait {@code KIFF_MCP_TOOL_WAIT}: the longest a tool call that runs code waits for the run to end. A run
 *                 still going then is answered with its status and id, and goes on: the caller can follow it through
 *                 {@code GET /v1/jobs/{id}}. Each waiting call holds one request thread of the API for this long at
 *                 most.
 */
@Validated
@ConfigurationProperties("kiff.mcp")
public record McpProperties(@NotNull Duration toolWait) {

    public McpProperties {
        if (toolWait != null && (toolWait.isNegative() || toolWait.isZero())) {
            throw new IllegalArgumentException("kiff.mcp.tool-wait must be positive, not " + toolWait);
        }
    }
}
