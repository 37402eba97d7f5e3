package dev.kiff.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.core.pool.Sandbox;
import dev.kiff.core.sandbox.OutputListener;
import dev.kiff.core.sandbox.RunnerCommand;
import dev.kiff.core.sandbox.SandboxDisplay;
import dev.kiff.core.sandbox.SessionFile;
import dev.kiff.core.sandbox.SessionOutcome;
import dev.kiff.core.sandbox.SessionSpec;
import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.Language;
import dev.kiff.model.job.Limits;
import dev.kiff.model.job.VmType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A sandbox in session mode against the real Docker engine, through {@code DockerSandboxFactory}: its runner holds a
 * resident kernel that keeps Python's globals and {@code /workspace} across runs, answers the last expression and
 * matplotlib figures as display items, and survives an interrupt; a run that ignores its interrupt at the time
 * limit, or an interpreter that exits, ends the session.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "kiff.worker.vm-types=code-exec",
        "kiff.worker.initial-target=1",
        "kiff.worker.capacity=4"})
class SessionSandboxIT extends WorkerIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(SessionSandboxIT.class);
    private static final long TIMEOUT_MS = 20_000;

    @Autowired
    VmTypeCatalogue catalogue;

    private final List<Sandbox> started = new ArrayList<>();
    private int runs;

    @AfterEach
    void destroySandboxes() {
        started.forEach(Sandbox::destroy);
    }

    @Test
    void keepsGlobalsAcrossRuns() {
        Sandbox sandbox = session(VmType.CODE_EXEC);

        assertThat(python(sandbox, "x = 41\nimport json").outcome().exitCode()).isZero();
        SessionOutcome second = python(sandbox, "x += 1\nprint(x, json.dumps([x]))");

        assertThat(second.outcome().exitCode()).as(second.toString()).isZero();
        assertThat(second.outcome().stdout().text()).isEqualTo("42 [42]\n");
        assertThat(second.alive()).isTrue();
    }

    @Test
    void answersTheLastExpression() {
        Sandbox sandbox = session(VmType.CODE_EXEC);

        SessionOutcome value = python(sandbox, "numbers = [1, 2, 3]\nsum(numbers) * 2");
        SessionOutcome none = python(sandbox, "print('printed')\nNone");
        SessionOutcome underscore = python(sandbox, "_ + 1");

        assertThat(value.display()).extracting(SandboxDisplay::mimeType, SandboxDisplay::text)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("text/plain", "12"));
        assertThat(none.display()).as("None displays nothing, as at a prompt").isEmpty();
        assertThat(none.outcome().stdout().text()).isEqualTo("printed\n");
        assertThat(underscore.display()).extracting(SandboxDisplay::text).containsExactly("13");
    }

    @Test
    void returnsAPlotAsPng() {
        Sandbox sandbox = session(VmType.DATA_PROCESSING);

        SessionOutcome plot = python(sandbox, """
                import matplotlib.pyplot as plt
                plt.plot([1, 2, 3], [4, 1, 9])
                plt.title('three points')
                plt.show()
                """);

        assertThat(plot.outcome().exitCode()).as(plot.outcome().stderr().text()).isZero();
        assertThat(plot.display()).hasSize(1);
        SandboxDisplay png = plot.display().get(0);
        assertThat(png.mimeType()).isEqualTo("image/png");
        assertThat(Arrays.copyOf(png.data(), 8)).as("the PNG signature")
                .isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        assertThat(python(sandbox, "import matplotlib.pyplot as plt\nlen(plt.get_fignums())").display())
                .as("figures are closed once returned").extracting(SandboxDisplay::text).containsExactly("0");
    }

    @Test
    void interruptKeepsGlobals() throws Exception {
        Sandbox sandbox = session(VmType.CODE_EXEC);
        python(sandbox, "kept = 'still here'");
        StringBuilder heard = new StringBuilder();
        OutputListener listener = (toStderr, chunk) -> {
            synchronized (heard) {
                heard.append(new String(chunk, StandardCharsets.UTF_8));
            }
        };

        CompletableFuture<SessionOutcome> sleeping = CompletableFuture.supplyAsync(() -> sandbox.runInSession(
                RunnerCommand.exec(nextId(), Language.PYTHON, "import time\nprint('sleeping', flush=True)\n"
                        + "time.sleep(60)", "", TIMEOUT_MS), listener));
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            synchronized (heard) {
                return heard.toString().contains("sleeping");
            }
        });
        sandbox.interrupt();
        SessionOutcome interrupted = sleeping.get(20, TimeUnit.SECONDS);

        assertThat(interrupted.outcome().exitCode()).as(interrupted.toString()).isEqualTo(130);
        assertThat(interrupted.interrupted()).isTrue();
        assertThat(interrupted.outcome().timedOut()).isFalse();
        assertThat(interrupted.outcome().stderr().text()).contains("KeyboardInterrupt").contains("time.sleep(60)")
                .doesNotContain("kiff-runner");
        assertThat(interrupted.alive()).isTrue();
        assertThat(python(sandbox, "kept").display()).extracting(SandboxDisplay::text)
                .containsExactly("'still here'");
    }

    @Test
    void timeoutInterruptsAndKeepsGlobals() {
        Sandbox sandbox = session(VmType.CODE_EXEC);
        python(sandbox, "kept = 7");

        SessionOutcome spin = sandbox.runInSession(
                RunnerCommand.exec(nextId(), Language.PYTHON, "while True:\n    kept += 0", "", 500),
                OutputListener.NONE);

        assertThat(spin.outcome().timedOut()).as(spin.toString()).isTrue();
        assertThat(spin.outcome().exitCode()).isEqualTo(130);
        assertThat(spin.alive()).isTrue();
        assertThat(sandbox.alive()).isTrue();
        assertThat(python(sandbox, "kept").display()).extracting(SandboxDisplay::text).containsExactly("7");
    }

    @Test
    void ignoredInterruptEndsTheSessionNotAlive() {
        Sandbox sandbox = session(VmType.CODE_EXEC);

        SessionOutcome stubborn = sandbox.runInSession(RunnerCommand.exec(nextId(), Language.PYTHON, """
                import signal
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                while True:
                    pass
                """, "", 500), OutputListener.NONE);

        assertThat(stubborn.outcome().timedOut()).as(stubborn.toString()).isTrue();
        assertThat(stubborn.alive()).isFalse();
        assertThat(stubborn.reason()).contains("ignored its interrupt");
        assertThat(sandbox.alive()).isFalse();
    }

    @Test
    void interpreterExitEndsTheSession() {
        Sandbox sandbox = session(VmType.CODE_EXEC);
        SessionOutcome systemExit = python(sandbox, "raise SystemExit(3)");
        assertThat(systemExit.outcome().exitCode()).as("SystemExit ends the run, not the kernel").isEqualTo(3);
        assertThat(systemExit.alive()).isTrue();

        SessionOutcome exit = python(sandbox, "import os\nos._exit(7)");

        assertThat(exit.alive()).as(exit.toString()).isFalse();
        assertThat(exit.outcome().exitCode()).isEqualTo(7);
        assertThat(exit.reason()).isEqualTo("the interpreter ended (exit status 7)");
        assertThat(sandbox.alive()).isFalse();
        assertThatThrownBy(() -> python(sandbox, "1")).isInstanceOf(TransientFailure.class);
    }

    @Test
    void bashRunsInWorkspace() {
        Sandbox sandbox = session(VmType.CODE_EXEC);
        python(sandbox, "open('from-python.txt', 'w').write('hello')");

        SessionOutcome bash = sandbox.runInSession(RunnerCommand.exec(nextId(), Language.BASH,
                "pwd; cat from-python.txt; echo; read line; echo \"got $line\"; echo made > from-bash.txt; "
                        + "sleep 300 &", "a line\n", TIMEOUT_MS), OutputListener.NONE);

        assertThat(bash.outcome().exitCode()).as(bash.toString()).isZero();
        assertThat(bash.outcome().stdout().text()).isEqualTo("/workspace\nhello\ngot a line\n");
        assertThat(python(sandbox, "open('from-bash.txt').read()").display()).extracting(SandboxDisplay::text)
                .containsExactly("'made\\n'");
        assertThat(python(sandbox, """
                import os
                [open('/proc/%s/cmdline' % p).read() for p in os.listdir('/proc') if p.isdigit()
                 and 'sleep' in open('/proc/%s/cmdline' % p).read()]
                """).display()).as("the run's process group is gone with it").extracting(SandboxDisplay::text)
                .containsExactly("[]");
    }

    @Test
    void nodeKeepsItsGlobalsAndAnswersTheLastExpression() {
        Sandbox sandbox = session(VmType.CODE_EXEC);

        assertThat(node(sandbox, "let count = 41; const os = require('os'); function twice(n) { return 2 * n }")
                .outcome().exitCode()).isZero();
        SessionOutcome value = node(sandbox, "count += 1; console.log('count', count); twice(count)");
        SessionOutcome awaited = node(sandbox, "new Promise(done => setTimeout(() => done({count}), 10))");
        SessionOutcome exited = node(sandbox, "console.log('bye'); process.exit(3)");

        assertThat(value.outcome().exitCode()).as(value.toString()).isZero();
        assertThat(value.outcome().stdout().text()).isEqualTo("count 42\n");
        assertThat(value.display()).extracting(SandboxDisplay::text).containsExactly("84");
        assertThat(awaited.display()).as("a promise is awaited").extracting(SandboxDisplay::text)
                .containsExactly("{ count: 42 }");
        assertThat(exited.outcome().exitCode()).as("process.exit ends the run, not the context").isEqualTo(3);
        assertThat(node(sandbox, "count").display()).extracting(SandboxDisplay::text).containsExactly("42");
        assertThat(node(sandbox, "require('fs').readFileSync(0, 'utf8')", "from stdin").display())
                .extracting(SandboxDisplay::text).containsExactly("'from stdin'");
    }

    @Test
    void nodeInterruptKeepsItsGlobals() throws Exception {
        Sandbox sandbox = session(VmType.CODE_EXEC);
        node(sandbox, "var kept = 'still here'");

        SessionOutcome spin = sandbox.runInSession(
                RunnerCommand.exec(nextId(), Language.NODE, "while (true) {}", "", 500), OutputListener.NONE);
        SessionOutcome waiting = sandbox.runInSession(RunnerCommand.exec(nextId(), Language.NODE,
                "new Promise(() => {})", "", 500), OutputListener.NONE);

        assertThat(spin.outcome().timedOut()).as(spin.toString()).isTrue();
        assertThat(spin.outcome().exitCode()).isEqualTo(130);
        assertThat(waiting.outcome().timedOut()).as("an await never settled: " + waiting).isTrue();
        assertThat(spin.alive()).isTrue();
        assertThat(node(sandbox, "kept").display()).extracting(SandboxDisplay::text).containsExactly("'still here'");
    }

    @Test
    void putGetListRoundTrip() {
        Sandbox sandbox = session(VmType.CODE_EXEC);
        byte[] content = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8);

        SessionOutcome put = sandbox.runInSession(RunnerCommand.put(nextId(), "data/in.csv", content),
                OutputListener.NONE);
        python(sandbox, "open('data/out.csv', 'w').write(open('data/in.csv').read().upper())");
        SessionOutcome get = sandbox.runInSession(RunnerCommand.get(nextId(), "data/out.csv"), OutputListener.NONE);
        SessionOutcome list = sandbox.runInSession(RunnerCommand.list(nextId(), ""), OutputListener.NONE);

        assertThat(put.outcome().exitCode()).as(put.toString()).isZero();
        assertThat(get.outcome().exitCode()).as(get.toString()).isZero();
        assertThat(new String(get.data(), StandardCharsets.UTF_8)).isEqualTo("A,B\n1,2\n");
        assertThat(list.files()).containsExactly(new SessionFile("data/in.csv", 8), new SessionFile("data/out.csv", 8));
    }

    @Test
    void refusesDotDotPaths() {
        Sandbox sandbox = session(VmType.CODE_EXEC);
        python(sandbox, "import os\nos.symlink('/etc', 'etc')");

        for (String path : List.of("../etc/passwd", "a/../../etc/passwd", "/etc/passwd", ".bashrc", "a/.hidden",
                "a//b", "a b", "etc/passwd")) {
            SessionOutcome get = sandbox.runInSession(RunnerCommand.get(nextId(), path), OutputListener.NONE);
            assertThat(get.outcome().exitCode()).as("get %s: %s", path, get).isIn(1, 2);
            assertThat(get.data()).isNull();
            assertThat(get.alive()).isTrue();
        }
        SessionOutcome put = sandbox.runInSession(RunnerCommand.put(nextId(), "../escaped", new byte[] {1}),
                OutputListener.NONE);
        assertThat(put.outcome().exitCode()).isEqualTo(2);
        assertThat(put.outcome().stderr().text()).contains("invalid path");
        SessionOutcome through = sandbox.runInSession(RunnerCommand.put(nextId(), "etc/kiff", new byte[] {1}),
                OutputListener.NONE);
        assertThat(through.outcome().exitCode()).as("no write through a symbolic link the code made").isEqualTo(1);
    }

    /** Not a test of speed (nothing asserted): the p50 of an {@code x += 1} round trip, Java to runner to X. */
    @Test
    void measuresTheExecRoundTrip() {
        Sandbox sandbox = session(VmType.CODE_EXEC);
        python(sandbox, "x = 0");
        long[] nanos = new long[200];
        for (int i = 0; i < nanos.length; i++) {
            long start = System.nanoTime();
            SessionOutcome run = python(sandbox, "x += 1");
            nanos[i] = System.nanoTime() - start;
            assertThat(run.outcome().exitCode()).isZero();
        }
        assertThat(python(sandbox, "x").display()).extracting(SandboxDisplay::text).containsExactly("200");
        Arrays.sort(nanos);
        log.info("session exec round trip (x += 1, Java -> runner -> X) over {} runs: p50 {} ms, p90 {} ms, "
                + "p99 {} ms", nanos.length, millis(nanos[nanos.length / 2]), millis(nanos[nanos.length * 9 / 10]),
                millis(nanos[nanos.length * 99 / 100]));
    }

    private static String millis(long nanos) {
        return String.format("%.2f", nanos / 1e6);
    }

    private Sandbox session(VmType type) {
        Limits limits = catalogue.policy(type).defaults();
        Sandbox sandbox = sandboxes.start(type, true, limits);
        started.add(sandbox);
        sandbox.openSession(new SessionSpec(UUID.randomUUID().toString(), limits, Map.of("KIFF_TEST", "1"), Map.of(),
                Instant.now().plus(Duration.ofMinutes(10)), Duration.ofSeconds(1)));
        return sandbox;
    }

    private SessionOutcome python(Sandbox sandbox, String code) {
        return sandbox.runInSession(RunnerCommand.exec(nextId(), Language.PYTHON, code, "", TIMEOUT_MS),
                OutputListener.NONE);
    }

    private SessionOutcome node(Sandbox sandbox, String code) {
        return node(sandbox, code, "");
    }

    private SessionOutcome node(Sandbox sandbox, String code, String stdin) {
        return sandbox.runInSession(RunnerCommand.exec(nextId(), Language.NODE, code, stdin, TIMEOUT_MS),
                OutputListener.NONE);
    }

    private String nextId() {
        return "run-" + ++runs;
    }
}
