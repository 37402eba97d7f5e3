package dev.kiff.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.model.control.WorkerState;
import dev.kiff.core.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Workers gone for good leave nothing running. A sandbox ends itself once idle past the deadline it carries, whoever
 * is left to remove it; and this worker removes the sandboxes on its engine of a worker that
 * stopped reporting (killed for good) and of one that said it left, and leaves those of a worker that keeps
 * reporting, of one it never heard of (another installation on the same engine), and its own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "kiff.worker.vm-types=code-exec",
        "kiff.worker.initial-target=1",
        "kiff.worker.state-publish-interval=300ms",
        "kiff.docker.orphan-grace=4s",
        "kiff.docker.orphan-sweep=300ms"})
class OrphansIT extends WorkerIntegrationTest {

    @Autowired
    WorkerProperties worker;

    @Test
    void removesTheSandboxesOfWorkersGoneForGoodAndOnlyThose() {
        String ghost = "ghost-" + UUID.randomUUID();
        String stranger = "stranger-" + UUID.randomUUID();
        String leaver = "leaver-" + UUID.randomUUID();
        String alive = "alive-" + UUID.randomUUID();
        ScheduledExecutorService reports = Executors.newSingleThreadScheduledExecutor();
        reports.scheduleWithFixedDelay(() -> report(alive), 0, 300, TimeUnit.MILLISECONDS);
        report(leaver);
        report(ghost); // once, then never again: killed for good
        String strangers = sandboxOf(stranger);
        String ghosts = sandboxOf(ghost);
        String leavers = sandboxOf(leaver);
        String alives = sandboxOf(alive);
        kafka.send(Topics.WORKER_STATES, leaver, null).join();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> !exists(ghosts) && !exists(leavers));

            assertThat(exists(alives)).as("the sandbox of a worker that keeps reporting stays").isTrue();
            assertThat(exists(strangers)).as("the sandbox of a worker never heard of stays").isTrue();
            assertThat(docker.listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of("dev.kiff.managed", "true", "dev.kiff.worker", worker.id())).exec())
                    .as("this worker's own sandboxes stay").isNotEmpty();
        } finally {
            reports.shutdownNow();
            List.of(ghosts, leavers, alives, strangers).forEach(id -> {
                if (exists(id)) {
                    docker.removeContainerCmd(id).withForce(true).exec();
                }
            });
        }
    }

    @Test
    void aSandboxIdlePastItsDeadlineEndsByItself() {
        String due = runner("KIFF_DEADLINE=" + Instant.now().plusSeconds(3).getEpochSecond());
        String unbounded = runner(null);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> !running(due));

            assertThat(docker.inspectContainerCmd(due).exec().getState().getExitCodeLong()).isZero();
            assertThat(running(unbounded)).as("a runner told no deadline waits as before").isTrue();
        } finally {
            List.of(due, unbounded).forEach(id -> docker.removeContainerCmd(id).withForce(true).exec());
        }
    }

    /** A single-use runner waiting for its envelope, as a worker would start it, with this extra variable. */
    private String runner(String variable) {
        List<String> env = new java.util.ArrayList<>(List.of("KIFF_LINGER=1"));
        if (variable != null) {
            env.add(variable);
        }
        String id = docker.createContainerCmd("kiff/code-exec:latest")
                .withLabels(Map.of("dev.kiff.managed", "true", "dev.kiff.worker", "deadline-it-" + UUID.randomUUID()))
                .withEnv(env)
                .withStdinOpen(true)
                .withNetworkDisabled(true)
                .withHostConfig(com.github.dockerjava.api.model.HostConfig.newHostConfig().withNetworkMode("none"))
                .exec().getId();
        docker.startContainerCmd(id).exec();
        return id;
    }

    private boolean running(String container) {
        return Boolean.TRUE.equals(docker.inspectContainerCmd(container).exec().getState().getRunning());
    }

    private void report(String workerId) {
        kafka.send(Topics.WORKER_STATES, workerId,
                codec.write(new WorkerState(WorkerState.VERSION, workerId, Instant.now(), 1, List.of())));
    }

    /** A container labelled as a sandbox of that worker, on another host, as a worker elsewhere would leave it. */
    private String sandboxOf(String workerId) {
        return docker.createContainerCmd("kiff/code-exec:latest")
                .withLabels(Map.of("dev.kiff.managed", "true", "dev.kiff.worker", workerId,
                        "dev.kiff.worker-pid", "999999999", "dev.kiff.host", "elsewhere", "dev.kiff.pool", "code-exec"))
                .exec().getId();
    }

    private boolean exists(String container) {
        return !docker.listContainersCmd().withShowAll(true).withIdFilter(List.of(container)).exec().isEmpty();
    }
}
