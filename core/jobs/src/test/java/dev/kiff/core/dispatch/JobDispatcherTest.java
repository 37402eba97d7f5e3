package dev.kiff.core.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiff.core.dispatch.JobBacklog.Stored;
import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobStatus;
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

    /** Jobs stored held, as a batch stores them before offering them. */
    private List<Job> held(String tenant, int count) {
        List<Job> held = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Job job = job(tenant, i);
            jobs.insertQueued(job, null);
            held.add(job);
        }
        backlog.holdAll(held);
        return held;
    }

    private static Job job(String tenant, int i) {
        return Jobs.job("print(" + i + ")").id(UUID.randomUUID()).tenant(tenant).build();
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
        assertThat(backlog.isPublished(batch.get(0).id())).as("the offered ones are marked by the tick").isTrue();
        assertThat(publisher.published()).last().isEqualTo(batch.get(3));
        assertThat(backlog.isPublished(batch.get(3).id())).isTrue();
        assertThat(backlog.isPublished(batch.get(4).id())).isFalse();
    }

    @Test
    void claimsASingleJobForItsSubmitterWhileTheWindowHasRoomAndHoldsTheNext() {
        List<Stored> stored = new ArrayList<>();
        List<Job> singles = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            singles.add(job("a", i));
            stored.add(dispatcher.hold(singles.get(i), null));
        }

        assertThat(stored).containsExactly(Stored.CLAIMED, Stored.CLAIMED, Stored.CLAIMED, Stored.HELD);
        dispatcher.publishClaimed(singles.get(0));
        assertThat(publisher.published()).containsExactly(singles.get(0));
        assertThat(backlog.isPublished(singles.get(0).id())).as("marked on the next tick").isFalse();
        dispatcher.tick();
        assertThat(backlog.isPublished(singles.get(0).id())).isTrue();
        assertThat(publisher.published()).as("the held one waits for the window").hasSize(1);
    }

    @Test
    void publishesASecondTenantsJobAtOnceWhateverTheFirstHolds() {
        dispatcher.offer(held("a", 5000));
        Job single = job("b", 0);

        assertThat(dispatcher.hold(single, null)).isEqualTo(Stored.CLAIMED);
        dispatcher.publishClaimed(single);

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
