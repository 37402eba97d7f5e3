package dev.kiff.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.VmType;
import dev.kiff.core.port.JobRecord;
import dev.kiff.core.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The worker end to end against a real broker, a real PostgreSQL and the real Docker engine: job records in, sandboxes
 * run, results stored and published.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "kiff.worker.initial-target=2",
        "kiff.worker.retry-backoff=200ms"})
class WorkerPipelineIT extends WorkerIntegrationTest {

    @Test
    void runsPythonAndStoresAndPublishesTheResult() {
        JobMessages job = JobMessages.python("print(sum(range(10)))");
        publish(job);

        JobResult result = awaitTerminal(job.id());
        assertThat(result.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).isEqualTo("45\n");
        assertThat(result.stdoutTruncated()).isFalse();
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(result.timings().queueWaitMs()).isNotNull();
        assertThat(result.timings().runTimeMs()).isNotNull();
        assertThat(result.usage()).as("what the run used, from the runner's exit report").isNotNull();
        assertThat(result.usage().outputBytes()).isEqualTo(3L);
        assertThat(result.usage().peakMemoryMb()).isPositive();
        assertThat(result.usage().cpuMs()).isNotNegative();
        assertThat(result.usage().gatewayCalls()).isZero();
        assertThat(awaitPublishedResults(job.id())).singleElement().satisfies(published -> {
            assertThat(published.status()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(published.usage()).isEqualTo(result.usage());
        });
    }

    @Test
    void runsBashWithStdinAndFilesInTheWorkspace() {
        JobMessages job = JobMessages.bash("cat data/in.txt; read line; echo \"got $line\"; pwd")
                .stdin("hello\n")
                .files(Map.of("data/in.txt", "from a file\n"));
        publish(job);

        JobResult result = awaitTerminal(job.id());
        assertThat(result.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.stdout()).isEqualTo("from a file\ngot hello\n/workspace\n");
    }

    @Test
    void endsFailedWithTheExitCodeOfTheCode() {
        JobMessages job = JobMessages.python("import sys\nprint('bad', file=sys.stderr)\nsys.exit(3)");
        publish(job);

        JobResult result = awaitTerminal(job.id());
        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stderr()).isEqualTo("bad\n");
        assertThat(result.message()).contains("exited with code 3");
    }

    @Test
    void timesOutAndKillsContainer() {
        JobMessages job = JobMessages.python("while True:\n    pass").timeoutMs(1000);
        publish(job);

        JobResult result = awaitTerminal(job.id());
        assertThat(result.status()).isEqualTo(JobStatus.TIMED_OUT);
        assertThat(result.message()).contains("1000 ms");
        assertThat(result.timings().runTimeMs()).isBetween(1000L, 5000L);
        assertNothingLeftRunning(result);
    }

    @Test
    void killsAMemoryBalloonAsOomKilled() {
        JobMessages job = JobMessages.python("block = bytearray(200 * 1024 * 1024)\nprint('survived')").memoryMb(64);
        publish(job);

        JobResult result = awaitTerminal(job.id());
        assertThat(result.status()).isEqualTo(JobStatus.OOM_KILLED);
        assertThat(result.stdout()).doesNotContain("survived");
        assertThat(result.message()).contains("64 MiB");
    }

    @Test
    void capsAStdoutFloodAndMarksItTruncated() {
        JobMessages job = JobMessages.python("import sys\nfor _ in range(2000):\n    sys.stdout.write('x' * 1000)")
                .outputBytes(4096);
        publish(job);

        JobResult result = awaitTerminal(job.id());
        assertThat(result.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.stdout()).hasSize(4096);
        assertThat(result.stdoutTruncated()).isTrue();
    }

    @Test
    void runsAJobPublishedWithoutAnIdUnderItsRecordKey() {
        String key = UUID.randomUUID().toString();
        JobMessages job = JobMessages.python("print('raw')").withoutId();
        kafka.send(Topics.jobs(VmType.CODE_EXEC), key, codec.write(job.build()));

        JobResult result = awaitTerminal(key);
        assertThat(result.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.stdout()).isEqualTo("raw\n");
        assertThat(jobs.find(UUID.fromString(key))).isPresent();
    }

    @Test
    void deadLettersAPoisonRecordWithItsReasonAndRunsTheNextJob() {
        String poisonKey = "poison-" + UUID.randomUUID();
        kafka.send(Topics.jobs(VmType.CODE_EXEC), poisonKey, "{not json".getBytes(StandardCharsets.UTF_8));
        String invalidKey = "invalid-" + UUID.randomUUID();
        kafka.send(Topics.jobs(VmType.CODE_EXEC), invalidKey,
                "{\"vmType\":\"code-exec\",\"language\":\"cobol\",\"code\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        JobMessages next = JobMessages.python("print('next')");
        publish(next);

        assertThat(awaitTerminal(next.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
        await().atMost(JOB_DEADLINE).untilAsserted(() -> {
            assertThat(reason(deadLetters().recordsWithKey(poisonKey))).contains("malformed JSON");
            assertThat(reason(deadLetters().recordsWithKey(invalidKey))).contains("language").contains("cobol");
        });
    }

    @Test
    void doesNotRunARedeliveredJobAgainButRepublishesItsResult() {
        JobMessages job = JobMessages.python("import time\nprint(time.time_ns())");
        publish(job);
        JobResult first = awaitTerminal(job.id());

        publish(job);

        await().atMost(JOB_DEADLINE).untilAsserted(() -> assertThat(publishedResults(job.id())).hasSize(2));
        List<JobResult> published = publishedResults(job.id());
        assertThat(published.get(1).stdout()).isEqualTo(first.stdout());
        JobRecord stored = jobs.find(UUID.fromString(job.id())).orElseThrow();
        assertThat(stored.state().attempts()).isEqualTo(1);
        assertThat(stored.state().timings().finishedAt()).isEqualTo(first.timings().finishedAt());
    }
}
