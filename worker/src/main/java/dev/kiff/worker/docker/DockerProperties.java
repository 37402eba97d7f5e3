package dev.kiff.worker.docker;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * How the worker drives the Docker engine ({@code kiff.docker.*}).
 *
 * @param host            the engine's address, e.g. {@code unix:///var/run/docker.sock}
 * @param callTimeout     the longest any single engine call (create, start, kill, inspect, remove) may take
 * @param outputDrain     after the sandbox exits, how long to wait for the rest of its output to arrive
 * @param runtime         the OCI runtime of the sandboxes: {@code runc}, or {@code runsc} for gVisor
 * @param workspaceSize   size of the writable tmpfs at /workspace (the code's working directory)
 * @param tmpSize         size of the writable tmpfs at /tmp
 * @param maxOpenFiles    the open-files ulimit inside a sandbox
 * @param maxFileSize     the largest file a sandbox may write (the fsize ulimit)
 */
@Validated
@ConfigurationProperties("kiff.docker")
public record DockerProperties(
        @NotBlank String host,
        @NotNull Duration callTimeout,
        @NotNull Duration outputDrain,
        @NotBlank @Pattern(regexp = "runc|runsc") String runtime,
        @NotNull DataSize workspaceSize,
        @NotNull DataSize tmpSize,
        long maxOpenFiles,
        @NotNull DataSize maxFileSize) {
}
