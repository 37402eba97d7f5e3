package dev.kiff.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.core.health.Dependency;
import dev.kiff.core.health.DependencyHealth;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.VmType;
import dev.kiff.model.control.PoolStatus;
import dev.kiff.core.pool.WarmPool;
import dev.kiff.core.port.JobRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Docker engine unreachable, as the worker sees it during a dockerd restart: its every connection to the
 * engine's socket goes through a forwarder that the test cuts for {@link #OUTAGE} (the attach streams of its
 * sandboxes end, and every call is refused), then restores. The real engine is never restarted: other tests share
 * it. A run the outage interrupted is retried as a platform failure, a job that arrived meanwhile waits, neither
 * ends in ERROR, and the warm pool is whole again, without the sandboxes the engine could not remove meanwhile.
 * A run whose stream from the engine is lost while its container runs on (an engine restarted with live-restore) is
 * retried too, never ended with the output it had so far; so is a run whose sandbox the engine killed (what dockerd
 * does to every container when it stops), while a job that kills itself keeps its verdict.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "kiff.worker.id=docker-outage-it",
        "kiff.worker.vm-types=code-exec",
        "kiff.worker.initial-target=2",
        "kiff.worker.pool-tick=200ms",
        "kiff.worker.retry-backoff=200ms",
        "kiff.worker.probe-interval=500ms",
        "kiff.worker.probe-timeout=1s"})
class WorkerDockerOutageIT extends WorkerIntegrationTest {

    static final Duration OUTAGE = Duration.ofSeconds(20);

    private static SocketForwarder engine;

    @Autowired
    DependencyHealth health;
    @Autowired
    WarmPool pool;
    @Autowired
    WorkerProperties worker;

    @DynamicPropertySource
    static void throughTheForwarder(DynamicPropertyRegistry registry) {
        Path socket = Path.of(System.getProperty("java.io.tmpdir"), "kiff-engine-" + UUID.randomUUID() + ".sock");
        engine = SocketForwarder.unix(socket, Path.of("/var/run/docker.sock"));
        registry.add("kiff.docker.host", () -> "unix://" + socket);
    }

    @Test
    void aRunTheEngineInterruptedIsRetriedAndAJobQueuedMeanwhileRunsWhenItReturns() {
        JobMessages interrupted = JobMessages.python("import time\ntime.sleep(4)\nprint('ran again')");
        publish(interrupted);
        await().atMost(JOB_DEADLINE).until(() -> status(interrupted.id()) == JobStatus.RUNNING);
        String firstSandbox = sandboxes.containerOf(UUID.fromString(interrupted.id()));

        engine.cut();
        // Once the worker knows: a job taken in the instant before it noticed may spend an attempt on the outage.
        // The Docker client's stdin-feeding threads die with the cut connections: their exceptions are not the test's.
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(30))
                .until(() -> !health.available(Dependency.SANDBOX_ENGINE));
        JobMessages queued = JobMessages.python("print('queued while the engine was away')");
        publish(queued);
        await().dontCatchUncaughtExceptions().pollDelay(OUTAGE).atMost(OUTAGE.plusSeconds(10))
                .until(() -> !health.available(Dependency.SANDBOX_ENGINE));
        engine.restore();

        JobResult retried = awaitTerminal(interrupted.id());
        assertThat(retried.status()).as(retried.message()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(retried.stdout()).isEqualTo("ran again\n");
        assertThat(retried.attempts()).as("runs: the interrupted one and its retry").isEqualTo(2);
        assertThat(retried.attemptHistory().get(0).reason()).contains("interrupted");
        JobResult waited = awaitTerminal(queued.id());
        assertThat(waited.status()).as(waited.message()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(waited.attempts()).isEqualTo(1);
        await().atMost(JOB_DEADLINE).until(() -> !publishedResults(interrupted.id()).isEmpty()
                && !publishedResults(queued.id()).isEmpty());
        assertThat(publishedResults(interrupted.id())).hasSize(1);
        assertThat(publishedResults(queued.id())).hasSize(1);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            PoolStatus codeExec = pool.status().stream().filter(p -> p.vmType() == VmType.CODE_EXEC).findFirst()
                    .orElseThrow();
            assertThat(codeExec.idle()).as("idle sandboxes, refilled").isEqualTo(codeExec.target());
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> docker.listContainersCmd().withShowAll(true)
                .withIdFilter(List.of(firstSandbox)).exec().isEmpty());
    }

    @Test
    void aRunWhoseStreamFromTheEngineIsLostIsRetriedRatherThanEndedWithoutItsOutput() {
        JobMessages lost = JobMessages.python("import time\ntime.sleep(3)\nprint('the whole output')");
        publish(lost);
        await().atMost(JOB_DEADLINE).until(() -> status(lost.id()) == JobStatus.RUNNING);

        // Only the streams: the engine itself answers on, and says the container still runs.
        engine.drop("/attach");

        await().dontCatchUncaughtExceptions().atMost(JOB_DEADLINE)
                .until(() -> status(lost.id()) != null && status(lost.id()).isTerminal());
        JobResult result = awaitTerminal(lost.id());
        assertThat(result.status()).as(result.message()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.stdout()).isEqualTo("the whole output\n");
        assertThat(result.attempts()).as("runs: the one whose stream was lost, and its retry").isEqualTo(2);
        assertThat(result.attemptHistory().get(0).reason()).contains("interrupted");
        await().atMost(JOB_DEADLINE).until(() -> !publishedResults(lost.id()).isEmpty());
        assertThat(publishedResults(lost.id())).hasSize(1);
    }

    @Test
    void aRunWhoseSandboxTheEngineKilledIsRetriedNotBlamedOnTheJob() {
        JobMessages killed = JobMessages.python("import time\ntime.sleep(3)\nprint('not the job\\'s doing')");
        publish(killed);
        await().atMost(JOB_DEADLINE).until(() -> status(killed.id()) == JobStatus.RUNNING);

        // What dockerd does to every container when it stops without live-restore: SIGTERM (which the runner, the
        // container's PID 1, never receives), then SIGKILL.
        docker.killContainerCmd(sandboxes.containerOf(UUID.fromString(killed.id()))).exec();

        JobResult result = awaitTerminal(killed.id());
        assertThat(result.status()).as(result.message()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.stdout()).isEqualTo("not the job's doing\n");
        assertThat(result.attempts()).as("runs: the killed one, and its retry").isEqualTo(2);
        assertThat(result.attemptHistory().get(0).reason()).contains("interrupted");
    }

    @Test
    void aJobThatKillsItselfKeepsItsVerdict() {
        JobResult result = run(JobMessages.python("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"));

        assertThat(result.status()).as(result.message()).isEqualTo(JobStatus.FAILED);
        assertThat(result.exitCode()).isEqualTo(137);
        assertThat(result.attempts()).isEqualTo(1);
    }

    private JobStatus status(String id) {
        return jobs.find(UUID.fromString(id)).map(JobRecord::state).map(JobResult::status).orElse(null);
    }
}
