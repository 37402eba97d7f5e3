package dev.kiff.core.sandbox;

import java.time.Instant;

/**
 * What happened in a sandbox, as the runtime observed it, before any judgement.
 *
 * @param exitCode  the main process's exit code, null if it never ran
 * @param timedOut  the wall-clock limit passed and the runtime killed the sandbox
 * @param oomKilled the kernel killed a process for exceeding the memory limit
 * @param startedAt when the sandbox was started (the user code begins moments later)
 */
public record SandboxOutcome(
        Integer exitCode,
        CapturedOutput stdout,
        CapturedOutput stderr,
        boolean timedOut,
        boolean oomKilled,
        Instant startedAt,
        Instant finishedAt) {
}
