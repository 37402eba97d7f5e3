package dev.kiff.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.port.JobRecord;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.topic.Topics;
import dev.kiff.testkit.KafkaBrokerContainer;
import dev.kiff.testkit.SharedInfrastructure;
import dev.kiff.testkit.TopicRecorder;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A broker restart while jobs flow: the worker (its job consumer, its result and log producers, its control tails)
 * and an agent's producer ride it out. A broker of this class's own, so that no other test sees it go down, in a
 * container ({@link KafkaBrokerContainer}) so that it stops and starts as a process of its own. Every job published
 * before, during and after the restart ends SUCCEEDED, after one run, with one published result.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "kiff.worker.id=broker-restart-it",
        "kiff.worker.vm-types=code-exec",
        "kiff.worker.initial-target=2",
        "kiff.worker.retry-backoff=200ms"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class WorkerBrokerRestartIT {

    static final int JOBS = 30;
    private static KafkaBrokerContainer broker;

    @Autowired
    KafkaTemplate<String, byte[]> kafka;
    @Autowired
    JobRepository jobs;
    @Autowired
    JobCodec codec;

    @DynamicPropertySource
    static void ownBroker(DynamicPropertyRegistry registry) {
        broker = KafkaBrokerContainer.start();
        SharedInfrastructure.springProperties(broker.bootstrapServers())
                .forEach((key, value) -> registry.add(key, () -> value));
    }

    @Test
    void everyJobPublishedAcrossABrokerRestartEndsOnceWithOneResult() {
        List<JobMessages> published = new CopyOnWriteArrayList<>();
        ScheduledExecutorService agent = Executors.newSingleThreadScheduledExecutor();
        try (TopicRecorder results = new TopicRecorder(broker.bootstrapServers(), Topics.RESULTS)) {
            agent.scheduleWithFixedDelay(() -> {
                if (published.size() < JOBS) {
                    JobMessages job = JobMessages.python("print('job " + published.size() + "')");
                    kafka.send(Topics.jobs(job.build().vmType()), job.id(), codec.write(job.build()));
                    published.add(job);
                }
            }, 0, 200, TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> published.size() >= JOBS / 3
                    && published.stream().anyMatch(job -> terminal(job.id())));

            broker.restart();

            await().atMost(Duration.ofSeconds(60)).until(() -> published.size() == JOBS);
            await().atMost(Duration.ofSeconds(120)).until(() -> published.stream().allMatch(job -> terminal(job.id())));
            for (JobMessages job : published) {
                JobResult result = state(job.id());
                assertThat(result.status()).as("Job(id=%s): %s", job.id(), result.message())
                        .isEqualTo(JobStatus.SUCCEEDED);
                assertThat(result.attempts()).as("runs of Job(id=%s)", job.id()).isEqualTo(1);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> published.stream()
                    .allMatch(job -> !results.recordsWithKey(job.id()).isEmpty()));
            assertThat(published).allSatisfy(job -> assertThat(results.recordsWithKey(job.id()))
                    .as("results of Job(id=%s)", job.id()).hasSize(1));
        } finally {
            agent.shutdownNow();
        }
    }

    private boolean terminal(String id) {
        JobResult state = state(id);
        return state != null && state.status().isTerminal();
    }

    private JobResult state(String id) {
        return jobs.find(UUID.fromString(id)).map(JobRecord::state).orElse(null);
    }
}
