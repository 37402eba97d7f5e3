package dev.kiff.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.core.port.JobRecord;
import dev.kiff.core.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A running job cancelled as the API cancels it (CANCELLED in the database, a kill request on the control topic):
 * its sandbox is killed at once and the cancellation stands.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "kiff.worker.vm-types=code-exec")
class CancellationIT extends WorkerIntegrationTest {

    @Test
    void killsTheSandboxOfACancelledRunningJobAndKeepsTheCancellation() {
        JobMessages job = JobMessages.python("import time\nprint('started', flush=True)\ntime.sleep(60)");
        publish(job);
        UUID id = UUID.fromString(job.id());
        await().atMost(JOB_DEADLINE).until(() -> jobs.find(id).map(JobRecord::state)
                .map(s -> s.status() == JobStatus.RUNNING).orElse(false));

        assertThat(jobs.cancel(id, JobStatus.RUNNING, "cancelled by the client", Instant.now())).isTrue();
        kafka.send(Topics.CANCELLATIONS, job.id(), job.id().getBytes(StandardCharsets.UTF_8)).join();

        // Far inside the job's 60 s: only the kill can end it this soon.
        await().atMost(Duration.ofSeconds(30)).until(() -> publishedResults(job.id()).stream()
                .anyMatch(r -> r.status() == JobStatus.CANCELLED));
        assertThat(containersOf(job.id())).isEmpty();
        JobResult stored = jobs.find(id).orElseThrow().state();
        assertThat(stored.status()).as("the killed run did not overwrite the cancellation")
                .isEqualTo(JobStatus.CANCELLED);
        assertThat(stored.message()).isEqualTo("cancelled by the client");
    }
}
