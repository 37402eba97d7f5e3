package dev.kiff.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.Container;
import dev.kiff.model.control.PoolTargets;
import dev.kiff.model.control.WorkerState;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.VmType;
import dev.kiff.model.control.PoolStatus;
import dev.kiff.core.topic.Topics;
import dev.kiff.testkit.SharedInfrastructure;
import dev.kiff.testkit.TopicRecorder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The warm pools against the real broker and Docker engine: jobs run in sandboxes started before them, the pools
 * follow the targets on the control topic, jobs stay in Kafka while no sandbox is idle, and a restarted worker
 * clears what its earlier run left.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "kiff.worker.vm-types=code-exec",
        "kiff.worker.initial-target=1",
        "kiff.worker.pool-tick=200ms",
        "kiff.worker.state-publish-interval=500ms"})
class WarmPoolIT extends WorkerIntegrationTest {

    private static final Duration CONVERGE = Duration.ofSeconds(60);

    @Autowired
    WorkerProperties worker;

    @AfterEach
    void backToOneSlot() {
        target(1);
        await().atMost(CONVERGE).until(() -> sandboxesOfThisWorker().size() == 1);
    }

    @Test
    void runsJobsOneAfterAnotherInTheSandboxStartedBeforeThem() {
        await().atMost(CONVERGE).until(() -> sandboxesOfThisWorker().size() == 1
                && sandboxesOfThisWorker().get(0).getStatus().startsWith("Up"));
        Container warm = sandboxesOfThisWorker().get(0);

        JobResult first = run(JobMessages.python("import socket; print(socket.gethostname())"));
        JobResult second = run(JobMessages.python("import socket; print(socket.gethostname())"));

        assertThat(first.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(warm.getId()).as("the job ran in the sandbox that was warm before it")
                .startsWith(first.stdout().strip());
        assertThat(second.stdout()).as("each job in namespaces of its own, in the same sandbox")
                .isEqualTo(first.stdout());
        assertNothingLeftRunning(second);
        assertThat(sandboxesOfThisWorker()).extracting(Container::getId).containsExactly(warm.getId());
    }

    @Test
    void followsThePoolTargetsOnTheControlTopic() {
        target(3);
        await().atMost(CONVERGE).until(() -> sandboxesOfThisWorker().size() == 3);

        target(2);
        await().atMost(CONVERGE).until(() -> sandboxesOfThisWorker().size() == 2);
    }

    @Test
    void keepsWaitingJobsInKafkaWhileNoSandboxIsIdle() {
        await().atMost(CONVERGE).until(() -> sandboxesOfThisWorker().size() == 1);
        JobMessages first = JobMessages.python("import time; time.sleep(3); print('first')");
        List<JobMessages> waiting = List.of(JobMessages.python("print(2)"), JobMessages.python("print(3)"),
                JobMessages.python("print(4)"));
        publish(first);
        await().atMost(CONVERGE).until(() -> jobs.find(UUID.fromString(first.id()))
                .map(r -> r.state().status() == JobStatus.RUNNING).orElse(false));
        waiting.forEach(this::publish);

        JobResult ran = awaitTerminal(first.id());
        assertThat(ran.stdout()).isEqualTo("first\n");
        // None of these was taken while the one sandbox ran the first job: each started only after it had ended. (The
        // times the runs recorded, rather than a quiet window watched while the first one runs.)
        for (JobMessages job : waiting) {
            JobResult result = awaitTerminal(job.id());
            assertThat(result.status()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(result.timings().startedAt()).as("start of %s", job.id())
                    .isAfterOrEqualTo(ran.timings().finishedAt());
        }
    }

    @Test
    void reportsItsPoolsOnTheWorkerStateTopic() {
        try (TopicRecorder states = new TopicRecorder(SharedInfrastructure.kafka().bootstrapServers(),
                Topics.WORKER_STATES)) {
            WorkerState state = await().atMost(CONVERGE).until(() -> states.recordsWithKey(worker.id()).stream()
                    .filter(r -> r.value() != null).map(r -> codec.readWorkerState(r.value()))
                    .reduce((a, b) -> b).orElse(null), s -> s != null && !s.pools().isEmpty());

            assertThat(state.capacity()).isEqualTo(worker.capacity());
            assertThat(state.pools()).extracting(PoolStatus::vmType).containsExactly(VmType.CODE_EXEC);
        }
    }

    @Test
    void removesTheSandboxesAnEarlierRunOfThisWorkerLeftBehind() {
        String leftover = docker.createContainerCmd("kiff/code-exec:latest")
                .withLabels(Map.of("dev.kiff.managed", "true", "dev.kiff.worker", worker.id(),
                        "dev.kiff.worker-pid", "999999999", "dev.kiff.host", "elsewhere"))
                .exec().getId();

        assertThat(sandboxes.removeLeftovers()).isGreaterThanOrEqualTo(1);

        assertThat(docker.listContainersCmd().withShowAll(true).withIdFilter(List.of(leftover)).exec()).isEmpty();
        assertThat(sandboxesOfThisWorker()).as("its own live sandboxes stay").isNotEmpty();
    }

    private void target(int codeExec) {
        PoolTargets targets = new PoolTargets(PoolTargets.VERSION, worker.id(), Map.of(VmType.CODE_EXEC, codeExec),
                Instant.now(), "test");
        kafka.send(Topics.POOL_TARGETS, worker.id(), codec.write(targets)).join();
    }

    private List<Container> sandboxesOfThisWorker() {
        return docker.listContainersCmd()
                .withLabelFilter(Map.of("dev.kiff.managed", "true", "dev.kiff.worker", worker.id(),
                        "dev.kiff.worker-pid", String.valueOf(ProcessHandle.current().pid()),
                        "dev.kiff.pool", "code-exec"))
                .exec();
    }
}
