package dev.kiff.core.exec;

import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.Limits;
import dev.kiff.core.sandbox.SandboxOutcome;

/** Judges what a sandbox reported. A pure function: the same outcome always gets the same verdict. */
public final class OutcomeClassifier {

    /** Exit code of the in-sandbox runner when it could not start the user's code at all. */
    public static final int RUNNER_FAILURE_EXIT = 125;
    /** Prefix of the runner's own error line on stderr. */
    public static final String RUNNER_PREFIX = "kiff-runner:";

    private OutcomeClassifier() {
    }

    public static Verdict classify(SandboxOutcome outcome, Limits limits) {
        // The timeout wins over the OOM flag: the kill we sent is the cause, whatever the kernel did meanwhile.
        if (outcome.timedOut()) {
            return new Verdict(JobStatus.TIMED_OUT,
                    "wall-clock limit of " + limits.timeoutMs() + " ms exceeded; the sandbox was killed");
        }
        if (outcome.oomKilled()) {
            return new Verdict(JobStatus.OOM_KILLED,
                    "memory limit of " + limits.memoryMb() + " MiB exceeded; the process was killed");
        }
        if (outcome.flooded()) {
            return new Verdict(JobStatus.FAILED, "output flood: the sandbox was killed after writing "
                    + Math.max(outcome.stdout().totalBytes(), outcome.stderr().totalBytes())
                    + " bytes to one stream; the first " + limits.outputBytes() + " are kept");
        }
        Integer exit = outcome.exitCode();
        if (exit == null) {
            return new Verdict(JobStatus.ERROR, "the sandbox ended without an exit code");
        }
        if (exit == RUNNER_FAILURE_EXIT && outcome.stderr().text().startsWith(RUNNER_PREFIX)) {
            String line = outcome.stderr().text().lines().findFirst().orElse(RUNNER_PREFIX);
            return new Verdict(JobStatus.ERROR, "the sandbox could not start the code: "
                    + line.substring(RUNNER_PREFIX.length()).trim());
        }
        if (exit == 0) {
            return new Verdict(JobStatus.SUCCEEDED, null);
        }
        if (exit > 128 && exit <= 128 + 64) {
            return new Verdict(JobStatus.FAILED, "killed by signal " + (exit - 128) + " (exit code " + exit + ")");
        }
        return new Verdict(JobStatus.FAILED, "exited with code " + exit);
    }
}
