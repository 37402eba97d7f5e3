package dev.kiff.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kiff.model.batch.Batch;
import dev.kiff.model.batch.BatchInput;
import dev.kiff.model.batch.BatchRequest;
import dev.kiff.core.dispatch.DispatchPolicy;
import dev.kiff.core.dispatch.InMemoryJobBacklog;
import dev.kiff.core.dispatch.JobDispatcher;
import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.InvalidJobException;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobRequest;
import dev.kiff.model.job.JobStatus;
import dev.kiff.core.job.JobValidator;
import dev.kiff.core.job.Jobs;
import dev.kiff.model.job.Violation;
import dev.kiff.core.port.InMemoryJobRepository;
import dev.kiff.core.port.RecordingJobPublisher;
import dev.kiff.core.tenant.InMemoryTenantDirectory;
import dev.kiff.core.tenant.QuotaExceededException;
import dev.kiff.core.tenant.QuotaGuard;
import dev.kiff.core.tenant.Quotas;
import dev.kiff.core.tenant.Tenant;
import dev.kiff.core.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchSubmitterTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final String CALLBACK = "https://hooks.example.com/batch";

    private final MutableClock clock = new MutableClock(NOW);
    private final Tenant acme = new Tenant("acme", new Quotas(20_000, 100, 3), "whsec_acme", NOW);
    private final InMemoryJobRepository jobs = new InMemoryJobRepository();
    private final InMemoryJobBacklog backlog = new InMemoryJobBacklog(jobs);
    private final InMemoryBatchRepository batches = new InMemoryBatchRepository(jobs, backlog);
    private final RecordingJobPublisher publisher = new RecordingJobPublisher();
    private final BatchSubmitter submitter = new BatchSubmitter(new JobValidator(Jobs.CATALOGUE), batches,
            new JobDispatcher(backlog, publisher, new DispatchPolicy(64, 1000), clock, Duration.ofSeconds(20)),
            new QuotaGuard(new InMemoryTenantDirectory(), clock, Duration.ofSeconds(30)), clock);

    private static BatchRequest listed(JobRequest... requests) {
        return new BatchRequest(List.of(requests), null, null, CALLBACK);
    }

    private void assertNothingStoredOrPublished() {
        assertThat(batches.all()).isEmpty();
        assertThat(publisher.published()).isEmpty();
    }

    @Test
    void storesAndPublishesEveryJobOfAnAcceptedBatchInOrderWithTheBatchId() {
        Batch batch = submitter.submit(listed(Jobs.job("print(0)").request(), Jobs.job("print(1)").request(),
                Jobs.job("print(2)").request()), acme);

        assertThat(batch.tenant()).isEqualTo("acme");
        assertThat(batch.size()).isEqualTo(3);
        assertThat(batch.callbackUrl()).isEqualTo(CALLBACK);
        assertThat(batch.createdAt()).isEqualTo(NOW);
        assertThat(batches.find(batch.id())).contains(batch);
        assertThat(publisher.published()).extracting(Job::code).containsExactly("print(0)", "print(1)", "print(2)");
        assertThat(publisher.published()).allSatisfy(job -> {
            assertThat(job.batchId()).isEqualTo(batch.id());
            assertThat(job.tenant()).isEqualTo("acme");
            assertThat(jobs.state(job.id()).status()).isEqualTo(JobStatus.QUEUED);
        });
        assertThat(batches.jobIds(batch.id())).containsExactlyElementsOf(
                publisher.published().stream().map(Job::id).toList());
    }

    @Test
    void acceptsTheTemplateFormWithOneJobPerInput() {
        JobRequest template = Jobs.job("print(input())").request();
        BatchRequest request = new BatchRequest(null, template,
                List.of(new BatchInput("a", null, null), new BatchInput("b", null, null)), null);

        Batch batch = submitter.submit(request, acme);

        assertThat(batch.size()).isEqualTo(2);
        assertThat(publisher.published()).extracting(Job::stdin).containsExactly("a", "b");
    }

    @Test
    void reportsEveryViolationUnderItsJobsPlaceAndStoresNothing() {
        BatchRequest request = listed(Jobs.job().request(), Jobs.job(" ").request(),
                Jobs.job().language(null).env("bad-name", "x").request());

        InvalidJobException refused = catchThrowableOfType(() -> submitter.submit(request, acme),
                InvalidJobException.class);

        assertThat(refused.violations()).extracting(Violation::field)
                .containsExactlyInAnyOrder("jobs[1].code", "jobs[2].language", "jobs[2].env[\"bad-name\"]");
        assertNothingStoredOrPublished();
    }

    @Test
    void reportsViolationsOfTheTemplateFormUnderTheirInputsPlace() {
        BatchRequest request = new BatchRequest(null, Jobs.job().request(),
                List.of(new BatchInput(null, null, null), new BatchInput(null, null, Map.of("../up", "x"))), null);

        InvalidJobException refused = catchThrowableOfType(() -> submitter.submit(request, acme),
                InvalidJobException.class);

        assertThat(refused.violations()).extracting(Violation::field).containsExactly("inputs[1].files[\"../up\"]");
        assertNothingStoredOrPublished();
    }

    @Test
    void refusesAnInvalidBatchCallbackUrl() {
        BatchRequest request = new BatchRequest(List.of(Jobs.job().request()), null, null, "ftp://example.com/x");

        InvalidJobException refused = catchThrowableOfType(() -> submitter.submit(request, acme),
                InvalidJobException.class);

        assertThat(refused.violations()).extracting(Violation::field).containsExactly("callbackUrl");
        assertNothingStoredOrPublished();
    }

    @Test
    void refusesAnEmptyBatch() {
        InvalidJobException listedEmpty = catchThrowableOfType(() -> submitter.submit(listed(), acme),
                InvalidJobException.class);
        InvalidJobException noInputs = catchThrowableOfType(() -> submitter.submit(
                new BatchRequest(null, Jobs.job().request(), List.of(), null), acme), InvalidJobException.class);

        assertThat(listedEmpty.violations()).extracting(Violation::field).containsExactly("jobs");
        assertThat(noInputs.violations()).extracting(Violation::field).containsExactly("inputs");
        assertNothingStoredOrPublished();
    }

    @Test
    void refusesMoreThanTenThousandJobsAsTooLarge() {
        List<JobRequest> many = Collections.nCopies(Quotas.BATCH_SIZE_LIMIT + 1, Jobs.job().request());

        InvalidJobException refused = catchThrowableOfType(
                () -> submitter.submit(new BatchRequest(many, null, null, null), acme), InvalidJobException.class);

        assertThat(refused.tooLarge()).isTrue();
        assertThat(refused.violations()).extracting(Violation::field).containsExactly("jobs");
        assertNothingStoredOrPublished();
    }

    @Test
    void refusesABatchOverTheTenantsMaxBatchSizeAndStoresNothing() {
        BatchRequest four = listed(Jobs.job().request(), Jobs.job().request(), Jobs.job().request(),
                Jobs.job().request());

        QuotaExceededException refused = catchThrowableOfType(() -> submitter.submit(four, acme),
                QuotaExceededException.class);

        assertThat(refused.quota()).isEqualTo("maxBatchSize");
        assertNothingStoredOrPublished();
    }

    @Test
    void rejectsTheBatchsJobsAndRethrowsWhenTheBrokerDoesNotTakeThem() {
        TransientFailure brokerAway = new TransientFailure("broker away");
        publisher.failNextWith(brokerAway);
        clock.advance(Duration.ofSeconds(5));

        assertThatThrownBy(() -> submitter.submit(listed(Jobs.job().request(), Jobs.job().request()), acme))
                .isSameAs(brokerAway);

        Batch stored = batches.all().get(0);
        assertThat(batches.jobIds(stored.id())).hasSize(2).allSatisfy(id -> {
            assertThat(jobs.state(id).status()).isEqualTo(JobStatus.REJECTED);
            assertThat(jobs.state(id).message()).isEqualTo("not queued: broker away");
            assertThat(jobs.state(id).timings().finishedAt()).isEqualTo(NOW.plusSeconds(5));
        });
        assertThat(publisher.published()).isEmpty();
    }
}
