package dev.kiff.core.sandbox;

import dev.kiff.model.job.Language;
import java.util.Objects;

/**
 * One command to a session's kernel, as one JSON line on the runner's stdin. Each ends in exactly one {@code X}
 * frame, after the {@code O}/{@code E} frames of what it wrote, except {@code interrupt}, which has no frame of its
 * own: it ends the exec under way, whose {@code X} says {@code "interrupted": true} (an interrupt that comes after
 * the exec ended has nothing to end, and a frame of its own would be taken for the next command's end).
 *
 * @param op        {@code exec}, {@code put}, {@code get}, {@code list}, {@code interrupt} or {@code close}
 * @param id        the run's id, echoed in its {@code X}
 * @param timeoutMs an exec's wall-clock limit: at it the runner interrupts, and kills the kernel after the grace
 * @param path      a file's path under {@code /workspace} (put, get; list: a directory, empty for all)
 * @param data      a put's content (base64 on the wire)
 */
public record RunnerCommand(String op, String id, Language language, String code, String stdin, Long timeoutMs,
        String path, byte[] data) {

    public static final String EXEC = "exec";
    public static final String PUT = "put";
    public static final String GET = "get";
    public static final String LIST = "list";
    public static final String INTERRUPT = "interrupt";
    public static final String CLOSE = "close";

    public RunnerCommand {
        Objects.requireNonNull(op, "op");
    }

    public static RunnerCommand exec(String id, Language language, String code, String stdin, long timeoutMs) {
        return new RunnerCommand(EXEC, id, language, code, stdin == null ? "" : stdin, timeoutMs, null, null);
    }

    public static RunnerCommand put(String id, String path, byte[] data) {
        return new RunnerCommand(PUT, id, null, null, null, null, path, data);
    }

    public static RunnerCommand get(String id, String path) {
        return new RunnerCommand(GET, id, null, null, null, null, path, null);
    }

    public static RunnerCommand list(String id, String path) {
        return new RunnerCommand(LIST, id, null, null, null, null, path == null ? "" : path, null);
    }

    public static RunnerCommand close() {
        return new RunnerCommand(CLOSE, null, null, null, null, null, null, null);
    }

    /** Whether the command runs code, under its own time limit (the others are answered at once). */
    public boolean runsCode() {
        return EXEC.equals(op);
    }
}
