package dev.kiff.core.sandbox;

import dev.kiff.core.job.Job;
import dev.kiff.core.job.Language;
import java.util.Map;

/**
 * What the Kiff runner inside a sandbox reads, as one JSON line on its stdin (runner protocol {@code v} 1): the code
 * to run, the files to lay out in the workspace, the stdin to give the code and its environment. Limits are not part
 * of it: the container enforces them from outside.
 */
public record RunnerEnvelope(
        int v,
        Language language,
        String code,
        Map<String, String> files,
        String stdin,
        Map<String, String> env) {

    public static RunnerEnvelope of(Job job) {
        return new RunnerEnvelope(1, job.language(), job.code(), job.files(), job.stdin(), job.env());
    }
}
