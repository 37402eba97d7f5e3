package dev.kiff.core.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiff.model.job.IllegalTransitionException;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.core.job.Jobs;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The fake the executor tests rely on keeps the conditional semantics of {@link JobRepository}. */
class InMemoryJobRepositoryTest {

    private static final Instant AT = Instant.parse("2026-11-28T12:00:01Z");

    private final InMemoryJobRepository jobs = new InMemoryJobRepository();
    private final Job job = Jobs.job().build();

    private JobResult finished(String workerId, JobStatus status) {
        JobResult s = jobs.state(job.id());
        return new JobResult(s.v(), s.id(), s.tenant(), s.vmType(), status, 0, "", false, "", false, null, workerId,
                s.attempts(), s.timings(), null);
    }

    @Test
    void insertsAJobOnceAsQueued() {
        assertThat(jobs.insertQueued(job, "h")).isTrue();
        assertThat(jobs.insertQueued(job, "other")).isFalse();
        assertThat(jobs.state(job.id())).isEqualTo(JobResult.queued(job));
        assertThat(jobs.find(job.id()).orElseThrow().requestHash()).isEqualTo("h");
    }

    @Test
    void startsOnlyAQueuedJobCountingAttempts() {
        assertThat(jobs.markRunning(job.id(), "w", AT)).isEmpty();
        jobs.insertQueued(job, null);
        assertThat(jobs.markRunning(job.id(), "w", AT)).hasValue(1);
        assertThat(jobs.markRunning(job.id(), "w", AT)).isEmpty();
        assertThat(jobs.requeue(job.id(), JobStatus.QUEUED, "worker died", Instant.EPOCH)).isTrue();
        assertThat(jobs.requeue(job.id(), JobStatus.QUEUED, "worker died", Instant.EPOCH)).isFalse();
        assertThat(jobs.markRunning(job.id(), "w", AT)).hasValue(2);
    }

    @Test
    void completesOnlyARunningJobHeldByTheResultsWorker() {
        jobs.insertQueued(job, null);
        assertThat(jobs.complete(finished("w", JobStatus.SUCCEEDED))).isFalse();
        jobs.markRunning(job.id(), "w", AT);
        assertThat(jobs.complete(finished("someone-else", JobStatus.SUCCEEDED))).isFalse();
        assertThat(jobs.complete(finished("w", JobStatus.SUCCEEDED))).isTrue();
        assertThat(jobs.state(job.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(jobs.complete(finished("w", JobStatus.FAILED))).isFalse();
    }

    @Test
    void refusesToCompleteWithAStatusThatIsNotARunOutcome() {
        jobs.insertQueued(job, null);
        jobs.markRunning(job.id(), "w", AT);
        assertThatThrownBy(() -> jobs.complete(finished("w", JobStatus.CANCELLED)))
                .isInstanceOf(IllegalTransitionException.class);
    }

    @Test
    void failsRejectsAndResubmitsOnlyFromTheirOwnStates() {
        jobs.insertQueued(job, null);
        assertThat(jobs.resubmit(job.id(), AT)).isFalse();
        assertThat(jobs.reject(job.id(), "broker away", AT)).isTrue();
        assertThat(jobs.fail(job.id(), "gave up", AT)).isFalse();
        assertThat(jobs.state(job.id()).message()).isEqualTo("broker away");
        assertThat(jobs.resubmit(job.id(), AT)).isTrue();
        assertThat(jobs.state(job.id()).timings().queuedAt()).isEqualTo(AT);
        assertThat(jobs.fail(job.id(), "gave up", AT)).isTrue();
        assertThat(jobs.state(job.id()).status()).isEqualTo(JobStatus.ERROR);
        assertThat(jobs.cancel(job.id(), "too late", AT)).isFalse();
    }
}
