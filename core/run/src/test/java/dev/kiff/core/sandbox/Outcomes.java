package dev.kiff.core.sandbox;

import dev.kiff.core.gateway.Artifact;
import dev.kiff.model.job.ResourceUsage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Test builder of what a sandbox reports: by default it exited 0 with no output, 250 ms after it started. */
public final class Outcomes {

    public static final Instant STARTED_AT = Instant.parse("2026-11-28T12:00:01Z");

    private final Integer exitCode;
    private CapturedOutput stdout = CapturedOutput.EMPTY;
    private CapturedOutput stderr = CapturedOutput.EMPTY;
    private boolean timedOut;
    private boolean oomKilled;
    private ResourceUsage usage = ResourceUsage.UNKNOWN;
    private boolean flooded;
    private Instant startedAt = STARTED_AT;
    private Instant finishedAt = STARTED_AT.plusMillis(250);
    private final List<Artifact> artifacts = new ArrayList<>();

    private Outcomes(Integer exitCode) {
        this.exitCode = exitCode;
    }

    /** The main process exited with {@code code}; {@code null} when it never ran. */
    public static Outcomes exit(Integer code) {
        return new Outcomes(code);
    }

    public Outcomes stdout(String text) {
        return stdout(whole(text));
    }

    public Outcomes stdout(CapturedOutput output) {
        this.stdout = output;
        return this;
    }

    public Outcomes stderr(String text) {
        return stderr(whole(text));
    }

    public Outcomes stderr(CapturedOutput output) {
        this.stderr = output;
        return this;
    }

    public Outcomes timedOut() {
        this.timedOut = true;
        return this;
    }

    public Outcomes oomKilled() {
        this.oomKilled = true;
        return this;
    }

    public Outcomes flooded() {
        this.flooded = true;
        return this;
    }

    public Outcomes ran(Instant startedAt, Instant finishedAt) {
        this.startedAt = startedAt;
        this.finishedAt = finishedAt;
        return this;
    }

    public Outcomes artifact(String name, byte[] content) {
        artifacts.add(new Artifact(name, content));
        return this;
    }

    public Outcomes used(ResourceUsage usage) {
        this.usage = usage;
        return this;
    }

    public SandboxOutcome build() {
        return new SandboxOutcome(exitCode, stdout, stderr, timedOut, oomKilled, flooded, startedAt, finishedAt,
                artifacts, usage);
    }

    private static CapturedOutput whole(String text) {
        return new CapturedOutput(text, false, text.getBytes(StandardCharsets.UTF_8).length);
    }
}
