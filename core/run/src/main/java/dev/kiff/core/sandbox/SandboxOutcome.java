package dev.kiff.core.sandbox;

import dev.kiff.core.gateway.Artifact;
import dev.kiff.model.job.ResourceUsage;
import java.time.Instant;
import java.util.List;

/**
 * What happened in a sandbox, as the runtime observed it, before any judgement.
 *
 * @param exitCode  the main process's exit code, null if it never ran
 * @param timedOut  the wall-clock limit passed and the runtime killed the sandbox
 * @param oomKilled the kernel killed a process for exceeding the memory limit
 * @param flooded   the output passed the runtime's flood limit and the runtime killed the sandbox
 * @param startedAt when the sandbox was started (the user code begins moments later)
 * @param artifacts the files the code left in {@code /out}, as handed to the gateway
 * @param usage     what the run consumed
 */
public record SandboxOutcome(
        Integer exitCode,
        CapturedOutput stdout,
        CapturedOutput stderr,
        boolean timedOut,
        boolean oomKilled,
        boolean flooded,
        Instant startedAt,
        Instant finishedAt,
        List<Artifact> artifacts,
        ResourceUsage usage) {

    public SandboxOutcome {
        artifacts = List.copyOf(artifacts);
        usage = usage == null ? ResourceUsage.UNKNOWN : usage;
    }
}
