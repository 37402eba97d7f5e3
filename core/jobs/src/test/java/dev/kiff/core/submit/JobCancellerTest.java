package dev.kiff.core.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.core.job.Jobs;
import dev.kiff.core.port.InMemoryJobRepository;
import dev.kiff.core.port.RecordingResultPublisher;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobCancellerTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:05Z");

    private final Job job = Jobs.job("import time; time.sleep(60)").build();
    private final InMemoryJobRepository jobs = new InMemoryJobRepository();
    private final RecordingResultPublisher results = new RecordingResultPublisher();
    private final List<UUID> killed = new ArrayList<>();
    private final JobCanceller canceller = new JobCanceller(jobs, results, killed::add,
            Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void cancelsAQueuedJobWithoutAskingAnyWorkerToKillIt() {
        jobs.insertQueued(job, null);

        JobResult result = canceller.cancel(job.id(), job.tenant());

        assertThat(result.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(result.message()).isEqualTo("cancelled by the client");
        assertThat(result.timings().finishedAt()).isEqualTo(NOW);
        assertThat(killed).isEmpty();
        assertThat(results.published()).containsExactly(result);
    }

    @Test
    void cancelsARunningJobAndAsksTheWorkersToKillIt() {
        jobs.insertQueued(job, null);
        jobs.markRunning(job.id(), "worker-1", NOW.minusSeconds(1));

        JobResult result = canceller.cancel(job.id(), job.tenant());

        assertThat(result.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(killed).containsExactly(job.id());
        assertThat(results.published()).containsExactly(result);
    }

    @Test
    void answersACancelledJobAgainWithoutPublishingTwice() {
        jobs.insertQueued(job, null);
        JobResult first = canceller.cancel(job.id(), job.tenant());

        JobResult again = canceller.cancel(job.id(), job.tenant());

        assertThat(again).isEqualTo(first);
        assertThat(results.published()).hasSize(1);
    }

    @Test
    void refusesAJobThatEndedOtherwise() {
        jobs.insertQueued(job, null);
        jobs.fail(job.id(), "platform", NOW);

        assertThatThrownBy(() -> canceller.cancel(job.id(), job.tenant()))
                .isInstanceOf(JobAlreadyEndedException.class)
                .hasMessageContaining("already ended ERROR");
        assertThat(results.published()).isEmpty();
    }

    @Test
    void knowsNoJobOfAnotherTenant() {
        jobs.insertQueued(job, null);

        assertThatThrownBy(() -> canceller.cancel(job.id(), "someone-else"))
                .isInstanceOf(JobNotFoundException.class);
        assertThat(jobs.state(job.id()).status()).isEqualTo(JobStatus.QUEUED);
    }

    @Test
    void followsAJobThatStartedWhileItWasBeingCancelled() {
        InMemoryJobRepository racing = new InMemoryJobRepository() {
            private boolean raced;

            @Override
            public boolean cancel(UUID id, JobStatus from, String reason, Instant at) {
                if (!raced) {
                    raced = true;
                    markRunning(id, "worker-1", at);
                }
                return super.cancel(id, from, reason, at);
            }
        };
        racing.insertQueued(job, null);
        JobCanceller racingCanceller = new JobCanceller(racing, results, killed::add,
                Clock.fixed(NOW, ZoneOffset.UTC));

        JobResult result = racingCanceller.cancel(job.id(), job.tenant());

        assertThat(result.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(killed).as("it was running when the cancel landed").containsExactly(job.id());
    }
}
