package dev.kiff.core.sandbox;

import dev.kiff.model.job.Job;
import dev.kiff.model.job.Language;
import java.util.List;
import java.util.Map;

/**
 * What the Kiff runner inside a sandbox reads, as one JSON line on its stdin (runner protocol {@code v} 1): the code
 * to run, the stdin to give it and its environment, the names of the input files (mounted read-only at
 * {@code /input}, linked into the workspace by the runner) and the service bindings reachable through the gateway.
 *
 * <p>The runner kills the job itself at {@code timeoutMs} and when one output stream passes {@code floodBytes}, so
 * that a sandbox serving many jobs survives a job that overstays; the worker still kills the whole sandbox if the
 * runner does not answer in time. Memory, CPU and pids are enforced by the container, from outside.
 */
public record RunnerEnvelope(
        int v,
        Language language,
        String code,
        String stdin,
        Map<String, String> env,
        List<String> inputs,
        List<String> bindings,
        Long timeoutMs,
        Long floodBytes) {

    public static RunnerEnvelope of(Job job, List<String> bindings, long floodBytes) {
        return new RunnerEnvelope(1, job.language(), job.code(), job.stdin(), job.env(),
                job.files().keySet().stream().sorted().toList(), bindings, job.limits().timeoutMs(), floodBytes);
    }
}
