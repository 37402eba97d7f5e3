package dev.kiff.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.output.LogChunk;
import dev.kiff.core.output.LogStore;
import dev.kiff.core.topic.Topics;
import dev.kiff.testkit.SharedInfrastructure;
import dev.kiff.testkit.TopicRecorder;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A running job's output leaves the worker while the job runs: chunks on {@code kiff.logs} and in the kept log, all
 * of them before the result; and a job that asked for it is run again after its code failed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "kiff.worker.retry-backoff=200ms",
        "kiff.worker.output-flush-interval=100ms"})
class LiveOutputIT extends WorkerIntegrationTest {

    private static TopicRecorder logTopic;

    @Autowired
    LogStore logs;

    // Opened on first use: the topic exists once the worker's context created it.
    private static synchronized TopicRecorder logTopic() {
        if (logTopic == null) {
            logTopic = new TopicRecorder(SharedInfrastructure.kafka().bootstrapServers(), Topics.LOGS);
        }
        return logTopic;
    }

    @AfterAll
    static void close() {
        if (logTopic != null) {
            logTopic.close();
            logTopic = null;
        }
    }

    @Test
    void streamsOutputWhileTheJobRunsAndKeepsItAllBeforeTheResult() {
        JobMessages job = JobMessages.python("""
                import sys, time
                for i in range(4):
                    print("line", i, flush=True)
                    print("err", i, file=sys.stderr, flush=True)
                    time.sleep(0.4)
                """);
        JobResult result = run(job);

        assertThat(result.status()).as(result.toString()).isEqualTo(JobStatus.SUCCEEDED);
        // Read at once: the worker keeps every chunk before it stores the result.
        List<LogChunk> kept = logs.read(UUID.fromString(job.id()), 0, -1);
        assertThat(kept.get(0).stream()).isEqualTo(LogChunk.START);
        assertThat(kept).extracting(LogChunk::seq).isSorted().doesNotHaveDuplicates();
        assertThat(text(kept, LogChunk.STDOUT)).isEqualTo(result.stdout());
        assertThat(text(kept, LogChunk.STDERR)).isEqualTo(result.stderr());
        // Streamed, not written once at the end: the first line was kept well before the job ended.
        LogChunk first = kept.stream().filter(c -> c.stream().equals(LogChunk.STDOUT)).findFirst().orElseThrow();
        assertThat(Duration.between(first.at(), result.timings().finishedAt())).isGreaterThan(Duration.ofMillis(800));

        List<Integer> keptSeqs = kept.stream().map(LogChunk::seq).toList();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(logTopic().recordsWithKey(job.id())
                .stream().map(r -> codec.readLogChunk(r.value()).seq()).toList())
                .containsExactlyElementsOf(keptSeqs));
    }

    @Test
    void runsAFailedJobAgainWhenItAsksAndRecordsEveryAttempt() {
        JobMessages job = JobMessages.python("import sys; print('trying'); sys.exit(3)").retry(2, true);
        JobResult result = run(job);

        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        assertThat(result.attempts()).isEqualTo(2);
        assertThat(result.attemptHistory()).hasSize(2);
        assertThat(result.attemptHistory().get(0).status()).isEqualTo(JobStatus.FAILED);
        assertThat(result.attemptHistory().get(0).reason()).startsWith("retried:");
        assertThat(result.attemptHistory().get(1).status()).isEqualTo(JobStatus.FAILED);
        assertThat(awaitPublishedResults(job.id())).singleElement()
                .satisfies(published -> assertThat(published.attempts()).isEqualTo(2));
        // Each run's output is kept under its own attempt.
        assertThat(logs.read(UUID.fromString(job.id()), 0, -1).stream()
                .filter(c -> c.stream().equals(LogChunk.START)).map(LogChunk::attempt)).containsExactly(1, 2);
    }

    @Test
    void doesNotRunAFailedJobAgainUnlessItAsks() {
        JobResult result = run(JobMessages.python("import sys; sys.exit(3)"));

        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        assertThat(result.attempts()).isEqualTo(1);
    }

    private static String text(List<LogChunk> chunks, String stream) {
        return chunks.stream().filter(c -> c.stream().equals(stream)).map(LogChunk::data)
                .collect(Collectors.joining());
    }
}
