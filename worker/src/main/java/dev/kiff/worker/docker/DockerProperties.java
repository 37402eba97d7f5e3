package dev.kiff.worker.docker;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * How the worker drives the Docker engine ({@code kiff.docker.*}).
 *
 * @param host            the engine's address, e.g. {@code unix:///var/run/docker.sock}
 * @param callTimeout     the longest any single engine call (create, start, kill, inspect, remove) may take
 * @param outputDrain     when the output stream from a sandbox was lost while the engine says it runs on (an engine
 *                        restarted with live-restore), how long it may take to end before it is killed and its run
 *                        retried as a platform interruption
 * @param runtimeOverride when set, runs every VM type on this OCI runtime ({@code runc} or {@code runsc}) whatever
 *                        the catalogue says; for trying a deployment under gVisor, and for the tests
 * @param workspaceSize   size of the writable tmpfs at /workspace (the code's working directory)
 * @param tmpSize         size of the writable tmpfs at /tmp
 * @param maxOpenFiles    the open-files ulimit inside a sandbox
 * @param maxFileSize     the largest file a sandbox may write (the fsize ulimit)
 * @param gvisorPidsOverhead under runsc the pids cgroup also counts the threads of gVisor's own kernel, so a job's
 *                        pids limit is raised by this much there (the job's processes are still bounded by memory
 *                        and time)
 * @param floodLimit      output bytes on one stream after which the sandbox is killed: what passes the job's
 *                        outputBytes is dropped, but draining gigabytes would still cost the worker CPU
 * @param outSize         size of the writable tmpfs at /out, where a job leaves its artifacts
 * @param inputDirectory  where the worker stages each job's input files, mounted read-only into its sandbox at
 *                        /input (when the worker runs in a container, the same path on the host)
 * @param killGrace       how long past a job's wall-clock limit the worker waits for the runner, which kills the
 *                        job itself at the limit, before it kills the whole sandbox
 * @param shmSize         size of each job's own tmpfs at /dev/shm under {@code isolation: namespaces}
 * @param sandboxLifetime the longest a sandbox of a single-use pool lives (a reusing pool's is its maxAgeMs): its
 *                        runner is told the deadline and ends itself once idle past it, even if its worker is
 *                        gone; the pool retires it a little before
 * @param orphanGrace     how long a worker may stay silent on the worker-state topic before any other worker on the
 *                        same engine removes its sandboxes (several state-publish intervals; a sandbox younger than
 *                        this is never removed, since its worker may not have reported yet)
 * @param orphanSweep     how often the worker looks for such orphans on its engine
 */
@Validated
@ConfigurationProperties("kiff.docker")
public record DockerProperties(
        @NotBlank String host,
        @NotNull Duration callTimeout,
        @NotNull Duration outputDrain,
        @Pattern(regexp = "runc|runsc|") String runtimeOverride,
        @NotNull DataSize workspaceSize,
        @NotNull DataSize tmpSize,
        long maxOpenFiles,
        @NotNull DataSize maxFileSize,
        @Min(0) int gvisorPidsOverhead,
        @NotNull DataSize floodLimit,
        @NotNull DataSize outSize,
        @NotNull Path inputDirectory,
        @NotNull Duration killGrace,
        @NotNull DataSize shmSize,
        @NotNull Duration sandboxLifetime,
        @NotNull Duration orphanGrace,
        @NotNull Duration orphanSweep) {
}
