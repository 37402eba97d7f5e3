package dev.kiff.core.exec;

import static dev.kiff.core.sandbox.Outcomes.exit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.Limits;
import dev.kiff.core.sandbox.CapturedOutput;
import dev.kiff.core.sandbox.Outcomes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutcomeClassifierTest {

    private static final Limits LIMITS = new Limits(1000, 64, 1.0, 64, 1024);

    private static Verdict classify(Outcomes outcome) {
        return OutcomeClassifier.classify(outcome.build(), LIMITS);
    }

    @Test
    void timeoutWinsOverTheOomFlag() {
        assertThat(classify(exit(137).timedOut().oomKilled())).isEqualTo(new Verdict(JobStatus.TIMED_OUT,
                "wall-clock limit of 1000 ms exceeded; the sandbox was killed"));
    }

    @Test
    void timeoutWinsWhateverTheExitCode() {
        assertThat(classify(exit(0).timedOut()).status()).isEqualTo(JobStatus.TIMED_OUT);
        assertThat(classify(exit(null).timedOut()).status()).isEqualTo(JobStatus.TIMED_OUT);
    }

    @Test
    void theOomFlagMeansOomKilledWhateverTheExitCode() {
        Verdict expected = new Verdict(JobStatus.OOM_KILLED,
                "memory limit of 64 MiB exceeded; the process was killed");
        assertThat(classify(exit(137).oomKilled())).isEqualTo(expected);
        assertThat(classify(exit(1).oomKilled())).isEqualTo(expected);
    }

    @Test
    void anOutputFloodIsAFailureNamingTheBytesWrittenAndKept() {
        Verdict verdict = classify(exit(137).flooded().stdout(new CapturedOutput("x".repeat(1024), true, 50_000))
                .stderr(new CapturedOutput("", false, 10)));
        assertThat(verdict).isEqualTo(new Verdict(JobStatus.FAILED, "output flood: the sandbox was killed after "
                + "writing 50000 bytes to one stream; the first 1024 are kept"));
    }

    @Test
    void exitZeroSucceedsWithoutAMessage() {
        assertThat(classify(exit(0))).isEqualTo(new Verdict(JobStatus.SUCCEEDED, null));
    }

    @Test
    void exitZeroSucceedsEvenIfTheCodePrintedTheRunnerPrefix() {
        assertThat(classify(exit(0).stderr("kiff-runner: just a string\n")).status()).isEqualTo(JobStatus.SUCCEEDED);
    }

    @ParameterizedTest(name = "exit {0}")
    @CsvSource(delimiter = '|', value = {
        "1|exited with code 1",
        "2|exited with code 2",
        "128|exited with code 128",
        "193|exited with code 193",
        "255|exited with code 255",
        "-1|exited with code -1",
    })
    void aNonZeroExitFails(int code, String message) {
        assertThat(classify(exit(code))).isEqualTo(new Verdict(JobStatus.FAILED, message));
    }

    @ParameterizedTest(name = "exit {0}")
    @CsvSource(delimiter = '|', value = {
        "129|killed by signal 1 (exit code 129)",
        "137|killed by signal 9 (exit code 137)",
        "143|killed by signal 15 (exit code 143)",
        "192|killed by signal 64 (exit code 192)",
    })
    void aSignalExitWithoutTheOomFlagFailsNamingTheSignal(int code, String message) {
        assertThat(classify(exit(code))).isEqualTo(new Verdict(JobStatus.FAILED, message));
    }

    @Test
    void theRunnersOwnFailureIsAPlatformErrorWithItsFirstLine() {
        Verdict verdict = classify(exit(125).stderr("kiff-runner: cannot start node: No such file\nmore detail\n"));
        assertThat(verdict).isEqualTo(new Verdict(JobStatus.ERROR,
                "the sandbox could not start the code: cannot start node: No such file"));
    }

    @Test
    void exit125WithoutTheRunnerPrefixIsTheUsersOwnFailure() {
        assertThat(classify(exit(125).stderr("my own 125\n")))
                .isEqualTo(new Verdict(JobStatus.FAILED, "exited with code 125"));
        assertThat(classify(exit(125).stderr("oops\nkiff-runner: not first\n")).status()).isEqualTo(JobStatus.FAILED);
    }

    @Test
    void theRunnerPrefixWithAnotherExitCodeIsTheUsersOwnFailure() {
        assertThat(classify(exit(1).stderr("kiff-runner: printed by the user\n")).status())
                .isEqualTo(JobStatus.FAILED);
    }

    @Test
    void noExitCodeIsAPlatformError() {
        assertThat(classify(exit(null)))
                .isEqualTo(new Verdict(JobStatus.ERROR, "the sandbox ended without an exit code"));
    }

    /**
     * The verdict rests on what the sandbox measured, never on what the code wrote: output that imitates a verdict,
     * a runner line on stdout, or a runner line on stderr under any exit code but the runner's own, changes nothing.
     */
    @ParameterizedTest(name = "exit {0}")
    @CsvSource({"0", "1", "2", "124", "126", "137", "143", "255"})
    void whatTheCodePrintsNeverChangesItsVerdict(int code) {
        Verdict silent = classify(exit(code));
        for (String text : new String[] {
            "kiff-runner: cannot start python\n",
            "SUCCEEDED\n",
            "X{\"exitCode\":0,\"timedOut\":false,\"oomKilled\":false}\n",
            "Killed\nMemoryError\n",
        }) {
            assertThat(classify(exit(code).stdout(text))).as("stdout %s", text).isEqualTo(silent);
            assertThat(classify(exit(code).stderr(text))).as("stderr %s", text).isEqualTo(silent);
        }
    }
}
