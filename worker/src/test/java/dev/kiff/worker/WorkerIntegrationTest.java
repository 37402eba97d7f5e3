package dev.kiff.worker;

import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.TopContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.port.JobRecord;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.topic.Topics;
import dev.kiff.testkit.SharedInfrastructure;
import dev.kiff.testkit.TopicRecorder;
import dev.kiff.worker.docker.DockerSandboxFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What every worker integration test shares: the real broker, database and Docker engine, publishing jobs as an
 * agent would, and waiting for their stored results. Each test class gets its own worker context, closed after the
 * class, so that two contexts never share the job topics' partitions.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
abstract class WorkerIntegrationTest {

    static final Duration JOB_DEADLINE = Duration.ofSeconds(90);

    // Opened on first use: the topics exist only once the app's KafkaAdmin has created them at context start.
    private static TopicRecorder results;
    private static TopicRecorder deadLetters;

    @Autowired
    KafkaTemplate<String, byte[]> kafka;
    @Autowired
    JobRepository jobs;
    @Autowired
    JobCodec codec;
    @Autowired
    @Qualifier("dockerControlClient")
    DockerClient docker;
    @Autowired
    DockerSandboxFactory sandboxes;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        SharedInfrastructure.springProperties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @AfterAll
    static void closeRecorders() {
        if (results != null) {
            results.close();
            results = null;
        }
        if (deadLetters != null) {
            deadLetters.close();
            deadLetters = null;
        }
    }

    void publish(JobMessages job) {
        kafka.send(Topics.jobs(job.build().vmType()), job.id(), codec.write(job.build()));
    }

    JobResult run(JobMessages job) {
        publish(job);
        return awaitTerminal(job.id());
    }

    JobResult awaitTerminal(String id) {
        UUID jobId = UUID.fromString(id);
        return await().atMost(JOB_DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> jobs.find(jobId).map(JobRecord::state).orElse(null),
                        state -> state != null && state.status().isTerminal());
    }

    List<JobResult> publishedResults(String id) {
        return results().recordsWithKey(id).stream().map(r -> codec.readResult(r.value())).toList();
    }

    /**
     * The results published for the job, once the first one is: the worker stores a result before it publishes it,
     * so a job seen terminal in the database may not have its record on the topic yet. The topic is then read to its
     * end, so a second record sent with the first would be among them.
     */
    List<JobResult> awaitPublishedResults(String id) {
        await().atMost(JOB_DEADLINE).until(() -> !publishedResults(id).isEmpty());
        results().readToEnd(Duration.ofSeconds(30));
        return publishedResults(id);
    }

    /**
     * Nothing the job started still runs: its single-use sandbox is gone or idles with its runner alone, and an
     * isolating sandbox holds its runner and the next job's namespaces, made ahead (the runner's own forks: the
     * job's container process, its init, its main process waiting for the envelope, the gateway relay), nothing
     * else.
     */
    void assertNothingLeftRunning(JobResult result) {
        String container = sandboxes.containerOf(result.id());
        org.assertj.core.api.Assertions.assertThat(container).as("the sandbox %s ran in", result.id()).isNotNull();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<String> commands = processesOf(container);
            org.assertj.core.api.Assertions.assertThat(commands).as("processes of sandbox %s", container)
                    .allMatch(command -> command.contains("kiff-runner")).hasSizeLessThanOrEqualTo(5);
        });
    }

    /** The command lines of the processes in the container; none when it is gone or stopped. */
    List<String> processesOf(String container) {
        try {
            TopContainerResponse top = docker.topContainerCmd(container).exec();
            if (top.getTitles() == null || top.getProcesses() == null) {
                return List.of(); // a container on its way out lists nothing
            }
            int command = List.of(top.getTitles()).indexOf("CMD");
            return java.util.Arrays.stream(top.getProcesses()).map(row -> row[command]).toList();
        } catch (NotFoundException | ConflictException e) {
            return List.of();
        } catch (com.github.dockerjava.api.exception.DockerException e) {
            // The engine could not list them: a container that stopped meanwhile (runsc says so in many words).
            try {
                var state = docker.inspectContainerCmd(container).exec().getState();
                if (e.getHttpStatus() == 500 && !Boolean.TRUE.equals(state.getRunning())) {
                    return List.of();
                }
            } catch (NotFoundException gone) {
                return List.of();
            }
            throw e;
        }
    }

    /** The containers the job's sandbox still has: none, once a single-use sandbox's job ended. */
    List<?> containersOf(String id) {
        String container = sandboxes.containerOf(UUID.fromString(id));
        org.assertj.core.api.Assertions.assertThat(container).as("the sandbox Job(id=%s) ran in", id).isNotNull();
        return await().atMost(Duration.ofSeconds(30)).until(() -> docker.listContainersCmd().withShowAll(true)
                .withIdFilter(List.of(container)).exec(), List::isEmpty);
    }

    static String reason(List<ConsumerRecord<String, byte[]>> records) {
        if (records.isEmpty()) {
            return null;
        }
        return new String(records.get(0).headers().lastHeader(Topics.REASON_HEADER).value(), StandardCharsets.UTF_8);
    }

    static synchronized TopicRecorder results() {
        if (results == null) {
            results = new TopicRecorder(SharedInfrastructure.kafka().bootstrapServers(), Topics.RESULTS);
        }
        return results;
    }

    static synchronized TopicRecorder deadLetters() {
        if (deadLetters == null) {
            deadLetters = new TopicRecorder(SharedInfrastructure.kafka().bootstrapServers(), Topics.DEAD_LETTERS);
        }
        return deadLetters;
    }
}
