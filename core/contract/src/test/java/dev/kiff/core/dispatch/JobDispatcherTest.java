package dev.kiff.core.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiff.core.failure.TransientFailure;
import dev.kiff.core.job.Job;
import dev.kiff.core.job.JobStatus;
import dev.kiff.core.job.Jobs;
import dev.kiff.core.port.InMemoryJobRepository;
import dev.kiff.core.port.RecordingJobPublisher;
import dev.kiff.core.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobDispatcherTest {

    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private static final Duration CLAIM = Duration.ofSeconds(20);

    private final MutableClock clock = new MutableClock(NOW);
    private final InMemoryJobRepository jobs = new InMemoryJobRepository();
    private final InMemoryJobBacklog backlog = new InMemoryJobBacklog(jobs);
    private final RecordingJobPublisher publisher = new RecordingJobPublisher();
    private final JobDispatcher dispatcher = new JobDispatcher(backlog, publisher, new DispatchPolicy(3, 100), clock,
            CLAIM);

    private List<Job> held(String tenant, int count) {
        List<Job> held = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Job job = Jobs.job("print(" + i + ")").id(UUID.randomUUID()).tenant(tenant).build();
            assertThat(dispatcher.hold(job, null)).isTrue();
            held.add(job);
        }
        return held;
    }

    private void finish(Job job) {
        jobs.markRunning(job.id(), "w", clock.instant());
        jobs.cancel(job.id(), "done", clock.instant());
    }

    @Test
    void publishesOnlyTheWindowOfABatchAndTheRestAsEarlierJobsEnd() {
        List<Job> batch = held("a", 10);

        assertThat(dispatcher.offer(batch)).isEqualTo(3);
        assertThat(publisher.published()).containsExactlyElementsOf(batch.subList(0, 3));
        assertThat(dispatcher.tick()).as("the window is full").isZero();

        finish(batch.get(1));
        assertThat(dispatcher.tick()).isEqualTo(1);
        assertThat(publisher.published()).last().isEqualTo(batch.get(3));
        assertThat(backlog.isPublished(batch.get(3).id())).isTrue();
        assertThat(backlog.isPublished(batch.get(4).id())).isFalse();
    }

    @Test
    void publishesASecondTenantsJobAtOnceWhateverTheFirstHolds() {
        dispatcher.offer(held("a", 5000));
        Job single = held("b", 1).get(0);

        assertThat(dispatcher.offer(List.of(single))).isEqualTo(1);

        assertThat(publisher.published()).hasSize(4).last().isEqualTo(single);
    }

    @Test
    void takesTenantsInTurnOnATick() {
        List<Job> a = held("a", 6);
        List<Job> b = held("b", 2);

        dispatcher.tick();

        assertThat(publisher.published()).extracting(Job::id).containsExactly(a.get(0).id(), b.get(0).id(),
                a.get(1).id(), b.get(1).id(), a.get(2).id());
    }

    @Test
    void publishesAJobWhosePublisherDiedOnceItsClaimRunsOut() {
        Job job = held("a", 1).get(0);
        publisher.failNextWith(new IllegalStateException("the API instance died mid-publish"));
        assertThatThrownBy(() -> dispatcher.offer(List.of(job))).isInstanceOf(IllegalStateException.class);

        assertThat(dispatcher.tick()).as("still claimed by the dead publisher").isZero();
        clock.advance(CLAIM);

        assertThat(dispatcher.tick()).isEqualTo(1);
        assertThat(publisher.published()).containsExactly(job);
        assertThat(backlog.isPublished(job.id())).isTrue();
    }

    @Test
    void leavesJobsHeldWhenTheBrokerRefusesATick() {
        Job job = held("a", 1).get(0);
        publisher.failNextWith(new TransientFailure("broker away"));

        assertThat(dispatcher.tick()).isZero();
        clock.advance(CLAIM);

        assertThat(dispatcher.tick()).isEqualTo(1);
        assertThat(publisher.published()).containsExactly(job);
    }

    @Test
    void neverPublishesACancelledHeldJob() {
        List<Job> batch = held("a", 4);
        dispatcher.offer(batch);
        jobs.cancel(batch.get(3).id(), "cancelled by the client", clock.instant());
        finish(batch.get(0));

        assertThat(dispatcher.tick()).isZero();
        assertThat(publisher.published()).doesNotContain(batch.get(3));
        assertThat(jobs.state(batch.get(3).id()).status()).isEqualTo(JobStatus.CANCELLED);
    }
}
