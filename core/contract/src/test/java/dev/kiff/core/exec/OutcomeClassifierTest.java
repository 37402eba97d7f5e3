package dev.kiff.core.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.core.job.JobStatus;
import dev.kiff.core.job.Limits;
import dev.kiff.core.sandbox.CapturedOutput;
import dev.kiff.core.sandbox.SandboxOutcome;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutcomeClassifierTest {

    private static final Limits LIMITS = new Limits(1000, 64, 1.0, 64, 1024);

    private static SandboxOutcome outcome(Integer exit, String stderr, boolean timedOut, boolean oom, boolean flood) {
        return new SandboxOutcome(exit, CapturedOutput.EMPTY, new CapturedOutput(stderr, false, stderr.length()),
                timedOut, oom, flood, Instant.EPOCH, Instant.EPOCH, List.of());
    }

    private static Verdict verdict(Integer exit, String stderr, boolean timedOut, boolean oom, boolean flood) {
        return OutcomeClassifier.classify(outcome(exit, stderr, timedOut, oom, flood), LIMITS);
    }

    @Test
    void timeoutWinsOverTheOomFlag() {
        assertThat(verdict(137, "", true, true, false))
                .isEqualTo(new Verdict(JobStatus.TIMED_OUT,
                        "wall-clock limit of 1000 ms exceeded; the sandbox was killed"));
    }

    @Test
    void oomFlagMeansOomKilled() {
        assertThat(verdict(137, "", false, true, false).status()).isEqualTo(JobStatus.OOM_KILLED);
        assertThat(verdict(137, "", false, true, false).message()).contains("64 MiB");
    }

    @Test
    void aFloodIsAFailure() {
        assertThat(verdict(137, "", false, false, true).status()).isEqualTo(JobStatus.FAILED);
        assertThat(verdict(137, "", false, false, true).message()).startsWith("output flood");
    }

    @Test
    void exitCodesDecideTheRest() {
        assertThat(verdict(0, "", false, false, false)).isEqualTo(new Verdict(JobStatus.SUCCEEDED, null));
        assertThat(verdict(3, "", false, false, false)).isEqualTo(new Verdict(JobStatus.FAILED, "exited with code 3"));
        assertThat(verdict(137, "", false, false, false).message()).isEqualTo("killed by signal 9 (exit code 137)");
        assertThat(verdict(null, "", false, false, false).status()).isEqualTo(JobStatus.ERROR);
    }

    @Test
    void theRunnersOwnFailureIsAPlatformError() {
        Verdict runner = verdict(125, "kiff-runner: cannot start node: No such file\n", false, false, false);
        assertThat(runner).isEqualTo(new Verdict(JobStatus.ERROR,
                "the sandbox could not start the code: cannot start node: No such file"));
        assertThat(verdict(125, "my own 125\n", false, false, false).status()).isEqualTo(JobStatus.FAILED);
    }
}
