package dev.kiff.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.VmType;
import dev.kiff.core.topic.Topics;
import dev.kiff.testkit.Catalogues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A retry storm against the real engine: failing jobs that ask to be retried, and records whose VM type is not
 * their topic's, on a worker of small capacity with one container per job (so every try needs a container). The
 * number of this worker's containers on the engine, sampled throughout, never passes its capacity, and every job
 * ends with exactly one result.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "kiff.worker.id=retry-storm-it",
        "kiff.worker.vm-types=code-exec,ml-agent",
        "kiff.worker.capacity=" + RetryStormIT.CAPACITY,
        "kiff.worker.initial-target=4",
        "kiff.worker.pool-tick=200ms",
        "kiff.worker.retry-backoff=100ms"})
class RetryStormIT extends WorkerIntegrationTest {

    static final int CAPACITY = 4;

    @Autowired
    WorkerProperties worker;

    @DynamicPropertySource
    static void containerPerJob(DynamicPropertyRegistry registry) {
        registry.add("kiff.catalogue.file", () -> Catalogues.containerPerJob().toString());
    }

    @Test
    void aRetryStormNeverHoldsMoreContainersThanTheCapacity() {
        AtomicInteger most = new AtomicInteger();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleWithFixedDelay(() -> most.accumulateAndGet(containersOfThisWorker(), Math::max), 0, 20,
                TimeUnit.MILLISECONDS);
        try {
            List<JobMessages> failing = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                failing.add(JobMessages.python("import sys; sys.exit(3)").tenant("storm-" + i % 3).retry(3, true));
            }
            // On the code-exec topic, but of other types: one this worker serves, one it does not.
            List<JobMessages> mismatched = List.of(
                    JobMessages.python("print('ml')").vmType(VmType.ML_AGENT),
                    JobMessages.python("print('api')").vmType(VmType.API_COMPOSITION),
                    JobMessages.python("print('ml')").vmType(VmType.ML_AGENT).tenant("storm-1"),
                    JobMessages.python("print('api')").vmType(VmType.API_COMPOSITION).tenant("storm-2"));
            failing.forEach(this::publish);
            mismatched.forEach(job -> kafka.send(Topics.jobs(VmType.CODE_EXEC), job.id(), codec.write(job.build())));

            for (JobMessages job : failing) {
                JobResult result = awaitTerminal(job.id());
                assertThat(result.status()).isEqualTo(JobStatus.FAILED);
                assertThat(result.attempts()).as("every try ran").isEqualTo(3);
            }
            for (JobMessages job : mismatched) {
                assertThat(awaitTerminal(job.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
            }
            List<JobMessages> all = new ArrayList<>(failing);
            all.addAll(mismatched);
            await().atMost(JOB_DEADLINE).until(() -> all.stream().allMatch(j -> !publishedResults(j.id()).isEmpty()));
            assertThat(all).allSatisfy(job -> assertThat(publishedResults(job.id())).as("results of %s", job.id())
                    .hasSize(1));
        } finally {
            sampler.shutdownNow();
        }
        assertThat(most.get()).as("the most containers of this worker on the engine at once")
                .isPositive().isLessThanOrEqualTo(CAPACITY);
    }

    /** Every container of this worker, whatever its state: one being created or removed holds room too. */
    private int containersOfThisWorker() {
        return docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of("dev.kiff.managed", "true", "dev.kiff.worker", worker.id()))
                .exec().size();
    }
}
