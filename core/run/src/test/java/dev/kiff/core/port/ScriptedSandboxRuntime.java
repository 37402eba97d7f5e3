package dev.kiff.core.port;

import dev.kiff.model.job.Job;
import dev.kiff.core.sandbox.OutputListener;
import dev.kiff.core.sandbox.SandboxOutcome;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * A {@link SandboxRuntime} that plays back a script, one step per run, and records the jobs it was asked to run. A run
 * beyond the script fails the test.
 */
public final class ScriptedSandboxRuntime implements SandboxRuntime {

    private final Deque<Function<Job, SandboxOutcome>> script = new ArrayDeque<>();
    private final List<Job> ran = new ArrayList<>();

    public ScriptedSandboxRuntime thenReturn(SandboxOutcome outcome) {
        return thenDo(job -> outcome);
    }

    public ScriptedSandboxRuntime thenThrow(RuntimeException failure) {
        return thenDo(job -> {
            throw failure;
        });
    }

    /** A step with a side effect, such as the job being cancelled while it runs. */
    public ScriptedSandboxRuntime thenDo(Function<Job, SandboxOutcome> step) {
        script.add(step);
        return this;
    }

    public List<Job> ran() {
        return List.copyOf(ran);
    }

    @Override
    public SandboxOutcome run(Job job, OutputListener output) {
        ran.add(job);
        Function<Job, SandboxOutcome> step = script.poll();
        if (step == null) {
            throw new AssertionError("run #" + ran.size() + " of " + job + " was not scripted");
        }
        SandboxOutcome outcome = step.apply(job);
        // As a real sandbox would, the output is heard while the job runs, before its outcome.
        if (outcome.stdout() != null && !outcome.stdout().text().isEmpty()) {
            output.output(false, outcome.stdout().text().getBytes(StandardCharsets.UTF_8));
        }
        if (outcome.stderr() != null && !outcome.stderr().text().isEmpty()) {
            output.output(true, outcome.stderr().text().getBytes(StandardCharsets.UTF_8));
        }
        return outcome;
    }
}
