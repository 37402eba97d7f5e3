package dev.kiff.core.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.model.batch.Batch;
import dev.kiff.model.batch.BatchProgress;
import dev.kiff.core.batch.InMemoryBatchRepository;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.core.job.Jobs;
import dev.kiff.model.job.Timings;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.port.InMemoryJobRepository;
import dev.kiff.core.time.MutableClock;
import dev.kiff.core.webhook.InMemoryWebhookRepository;
import dev.kiff.core.webhook.WebhookDelivery;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ResultFollowerTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:01:00Z");
    private static final String JOB_HOOK = "https://hooks.example.com/job";
    private static final String BATCH_HOOK = "https://hooks.example.com/batch";

    private final MutableClock clock = new MutableClock(NOW);
    private final InMemoryJobRepository jobs = new InMemoryJobRepository();
    private final InMemoryBatchRepository batches = new InMemoryBatchRepository(jobs);
    private final InMemoryWebhookRepository webhooks = new InMemoryWebhookRepository();
    private final List<BatchProgress> announced = new ArrayList<>();
    private final ResultFollower follower = new ResultFollower(jobs, batches, webhooks, announced::add,
            new JobCodec(), clock);

    /** Runs the stored job to SUCCEEDED, as a worker would, and answers its stored result. */
    private JobResult succeed(Job job) {
        jobs.markRunning(job.id(), "worker-1", NOW.minusSeconds(2));
        jobs.complete(new JobResult(JobResult.VERSION, job.id(), job.tenant(), job.vmType(), JobStatus.SUCCEEDED, 0,
                "1\n", false, "", false, null, "worker-1", 1, Timings.of(job.submittedAt(), NOW.minusSeconds(2),
                NOW.minusSeconds(1)), List.of()));
        return jobs.state(job.id());
    }

    /** A batch of {@code size} jobs, stored as the submitter stores it. */
    private Batch batch(int size, String callbackUrl) {
        Batch batch = new Batch(UUID.randomUUID(), Job.DEFAULT_TENANT, size, callbackUrl, NOW.minusSeconds(60), null,
                null);
        List<Job> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            members.add(Jobs.job("print(" + i + ")").build().inBatch(batch.id()));
        }
        batches.insert(batch, members);
        return batch;
    }

    private Job member(Batch batch, int index) {
        return jobs.find(batches.jobIds(batch.id()).get(index)).orElseThrow().job();
    }

    @Test
    void queuesOneJobCompletedDeliveryEvenWhenTheSameResultIsFollowedTwice() {
        Job job = Jobs.job().callbackUrl(JOB_HOOK).build();
        jobs.insertQueued(job, null);
        JobResult result = succeed(job);

        follower.follow(result);
        clock.advance(Duration.ofSeconds(5));
        follower.follow(result);

        assertThat(webhooks.all()).singleElement().satisfies(delivery -> {
            assertThat(delivery.event()).isEqualTo(WebhookDelivery.JOB_COMPLETED);
            assertThat(delivery.jobId()).isEqualTo(job.id());
            assertThat(delivery.batchId()).isNull();
            assertThat(delivery.tenant()).isEqualTo(job.tenant());
            assertThat(delivery.url()).isEqualTo(JOB_HOOK);
            assertThat(delivery.status()).isEqualTo(WebhookDelivery.PENDING);
            assertThat(delivery.nextAttemptAt()).isEqualTo(NOW);
            assertThat(new String(delivery.payload(), StandardCharsets.UTF_8))
                    .contains("\"type\":\"job.completed\"", "\"id\":\"" + delivery.id() + "\"",
                            job.id().toString(), "SUCCEEDED");
        });
    }

    @Test
    void queuesNothingForAJobWithoutCallbackUrl() {
        Job job = Jobs.job().build();
        jobs.insertQueued(job, null);

        follower.follow(succeed(job));

        assertThat(webhooks.all()).isEmpty();
    }

    @Test
    void ignoresResultsThatAreNotFinal() {
        Job job = Jobs.job().callbackUrl(JOB_HOOK).build();
        jobs.insertQueued(job, null);
        Batch batch = batch(1, BATCH_HOOK);
        jobs.reject(member(batch, 0).id(), "not queued: broker away", NOW);

        follower.follow(jobs.state(job.id()));
        jobs.markRunning(job.id(), "worker-1", NOW);
        follower.follow(jobs.state(job.id()));
        follower.follow(jobs.state(member(batch, 0).id()));

        assertThat(webhooks.all()).isEmpty();
        assertThat(announced).isEmpty();
        assertThat(batches.find(batch.id()).orElseThrow().completedAt()).isNull();
    }

    @Test
    void doesNotCompleteABatchWhileSomeOfItsJobsHaveNotEnded() {
        Batch batch = batch(2, BATCH_HOOK);

        follower.follow(succeed(member(batch, 0)));

        assertThat(announced).isEmpty();
        assertThat(webhooks.forBatch(batch.id())).isEmpty();
        assertThat(batches.find(batch.id()).orElseThrow().completedAt()).isNull();
    }

    @Test
    void theLastJobOfABatchAnnouncesItsCompletionOnceAndQueuesOneBatchDelivery() {
        Batch batch = batch(2, BATCH_HOOK);
        follower.follow(succeed(member(batch, 0)));
        JobResult last = succeed(member(batch, 1));

        follower.follow(last);
        follower.follow(last);

        assertThat(announced).singleElement().satisfies(progress -> {
            assertThat(progress.id()).isEqualTo(batch.id());
            assertThat(progress.status()).isEqualTo(BatchProgress.COMPLETED);
            assertThat(progress.ended()).isEqualTo(2);
            assertThat(progress.counts()).containsEntry(JobStatus.SUCCEEDED, 2);
            assertThat(progress.completedAt()).isEqualTo(NOW);
        });
        assertThat(webhooks.forBatch(batch.id())).singleElement().satisfies(delivery -> {
            assertThat(delivery.event()).isEqualTo(WebhookDelivery.BATCH_COMPLETED);
            assertThat(delivery.jobId()).isNull();
            assertThat(delivery.url()).isEqualTo(BATCH_HOOK);
            assertThat(new String(delivery.payload(), StandardCharsets.UTF_8)).contains("batch.completed", "COMPLETED");
        });
        assertThat(batches.find(batch.id()).orElseThrow().completedAt()).isEqualTo(NOW);
    }

    @Test
    void announcesABatchWithoutCallbackUrlWithoutQueuingADelivery() {
        Batch batch = batch(1, null);

        follower.follow(succeed(member(batch, 0)));

        assertThat(announced).hasSize(1);
        assertThat(webhooks.all()).isEmpty();
        assertThat(batches.find(batch.id()).orElseThrow().completedAt()).isEqualTo(NOW);
    }

    @Test
    void aBatchJobsOwnDeliveryCarriesNoBatchId() {
        Batch batch = new Batch(UUID.randomUUID(), Job.DEFAULT_TENANT, 1, null, NOW, null, null);
        Job job = Jobs.job().callbackUrl(JOB_HOOK).build().inBatch(batch.id());
        batches.insert(batch, List.of(job));

        follower.follow(succeed(job));

        assertThat(webhooks.forJob(job.id())).singleElement()
                .satisfies(delivery -> assertThat(delivery.batchId()).isNull());
        assertThat(webhooks.forBatch(batch.id())).isEmpty();
    }
}
