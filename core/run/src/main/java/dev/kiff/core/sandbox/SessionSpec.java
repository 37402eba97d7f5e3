package dev.kiff.core.sandbox;

import dev.kiff.model.job.Limits;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a sandbox needs to hold a session: its limits (applied to the sandbox once, at open: every run of the
 * session shares them), the environment and files its kernel starts with, and how it ends on its own.
 *
 * @param id             the session's id, for logs
 * @param limits         the sandbox's memory, CPU and pids for the session's life; {@code outputBytes} is what each
 *                       run keeps of its output, {@code timeoutMs} is not used (each exec brings its own)
 * @param env            environment variables of every run
 * @param files          text files written under {@code /workspace} before the first run (names as jobs' files)
 * @param deadline       when the sandbox ends itself, worker or no worker: the session's maximum lifetime and a margin
 * @param interruptGrace how long an exec past its time limit has to obey its interrupt before the kernel is killed
 */
public record SessionSpec(String id, Limits limits, Map<String, String> env, Map<String, String> files,
        Instant deadline, Duration interruptGrace) {

    public SessionSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(limits, "limits");
        env = env == null ? Map.of() : Map.copyOf(env);
        files = files == null ? Map.of() : Map.copyOf(files);
        interruptGrace = interruptGrace == null ? Duration.ofSeconds(2) : interruptGrace;
    }
}
