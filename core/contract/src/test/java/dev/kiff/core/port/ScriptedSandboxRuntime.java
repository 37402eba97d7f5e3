package dev.kiff.core.port;

import dev.kiff.core.job.Job;
import dev.kiff.core.sandbox.SandboxOutcome;
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
    public SandboxOutcome run(Job job) {
        ran.add(job);
        Function<Job, SandboxOutcome> step = script.poll();
        if (step == null) {
            throw new AssertionError("run #" + ran.size() + " of " + job + " was not scripted");
        }
        return step.apply(job);
    }
}
