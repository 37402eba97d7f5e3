package dev.kiff.core.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kiff.core.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class QuotaGuardTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final Duration UNFINISHED_RETRY_AFTER = Duration.ofSeconds(30);

    private final MutableClock clock = new MutableClock(NOW);
    private final InMemoryTenantDirectory directory = new InMemoryTenantDirectory();
    private final QuotaGuard guard = new QuotaGuard(directory, clock, UNFINISHED_RETRY_AFTER);
    /** 5 unfinished jobs, 2 submissions a second, batches of 3. */
    private final Tenant acme = tenant("acme", new Quotas(5, 2, 3));

    private static Tenant tenant(String id, Quotas quotas) {
        return new Tenant(id, quotas, "whsec_test", NOW);
    }

    private QuotaExceededException refused(Tenant tenant, int jobs, boolean batch) {
        return catchThrowableOfType(() -> guard.admit(tenant, jobs, batch), QuotaExceededException.class);
    }

    @Test
    void admitsABurstOfOneSecondsSubmissionsThenRefusesUntilTheNextToken() {
        guard.admit(acme, 1, false);
        guard.admit(acme, 1, false);

        QuotaExceededException refused = refused(acme, 1, false);

        assertThat(refused).isNotNull();
        assertThat(refused.quota()).isEqualTo("submissionsPerSecond");
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void refillsTheBucketAtTheRateAsTimePasses() {
        guard.admit(acme, 1, false);
        guard.admit(acme, 1, false);
        clock.advance(Duration.ofMillis(250));

        assertThat(refused(acme, 1, false).retryAfter()).isEqualTo(Duration.ofMillis(250));

        clock.advance(Duration.ofMillis(250));
        assertThatCode(() -> guard.admit(acme, 1, false)).doesNotThrowAnyException();
        assertThat(refused(acme, 1, false)).isNotNull();
    }

    @Test
    void neverSavesUpMoreThanOneBurst() {
        guard.admit(acme, 1, false);
        clock.advance(Duration.ofMinutes(10));

        guard.admit(acme, 1, false);
        guard.admit(acme, 1, false);

        assertThat(refused(acme, 1, false).quota()).isEqualTo("submissionsPerSecond");
    }

    @Test
    void keepsOneBucketPerTenant() {
        Tenant other = tenant("other", acme.quotas());
        guard.admit(acme, 1, false);
        guard.admit(acme, 1, false);

        assertThatCode(() -> guard.admit(other, 1, false)).doesNotThrowAnyException();
        assertThat(refused(acme, 1, false)).isNotNull();
    }

    @Test
    void refusesABatchOverMaxBatchSizeWithoutUsingASubmission() {
        QuotaExceededException refused = refused(acme, 4, true);

        assertThat(refused.quota()).isEqualTo("maxBatchSize");
        assertThat(refused.getMessage()).contains("4").contains("3");
        guard.admit(acme, 3, true);
        guard.admit(acme, 4, false); // not a batch: only the concurrent-jobs quota counts its jobs
    }

    @Test
    void refusesJobsThatWouldPassMaxConcurrentJobsCountingTheUnfinishedOnes() {
        Tenant busy = tenant("busy", new Quotas(5, 100, 10));
        directory.setUnfinishedJobs("busy", 4);

        guard.admit(busy, 1, false);
        QuotaExceededException refused = refused(busy, 2, true);

        assertThat(refused.quota()).isEqualTo("maxConcurrentJobs");
        assertThat(refused.retryAfter()).isEqualTo(UNFINISHED_RETRY_AFTER);
        assertThat(refused.getMessage()).contains("4 jobs have not ended");
    }

    @Test
    void quotasMustBePositiveAndABatchAtMostTheLimit() {
        assertThat(new Quotas(1, 1, Quotas.BATCH_SIZE_LIMIT).maxBatchSize()).isEqualTo(10_000);
        for (int[] bad : new int[][] {{0, 1, 1}, {1, 0, 1}, {1, 1, 0}, {-5, 1, 1}, {1, 1, 10_001}}) {
            assertThatThrownBy(() -> new Quotas(bad[0], bad[1], bad[2]))
                    .as("%d/%d/%d", bad[0], bad[1], bad[2])
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void withReplacesOnlyTheQuotasGiven() {
        Quotas quotas = new Quotas(5, 2, 3);

        assertThat(quotas.with(null, 7, null)).isEqualTo(new Quotas(5, 7, 3));
        assertThat(quotas.with(null, null, null)).isEqualTo(quotas);
        assertThatThrownBy(() -> quotas.with(0, null, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesHeadroomToATenantAtItsConcurrentJobsQuota() {
        directory.setUnfinishedJobs("acme", 5);

        QuotaExceededException refused = catchThrowableOfType(() -> guard.checkHeadroom(acme),
                QuotaExceededException.class);

        assertThat(refused.quota()).isEqualTo("maxConcurrentJobs");
        assertThat(refused.retryAfter()).isEqualTo(UNFINISHED_RETRY_AFTER);
        directory.setUnfinishedJobs("acme", 4);
        assertThatCode(() -> guard.checkHeadroom(acme)).doesNotThrowAnyException();
    }

    @Test
    void checksHeadroomWithoutSpendingASubmissionToken() {
        guard.checkHeadroom(acme);
        guard.checkHeadroom(acme);
        guard.checkHeadroom(acme);
        guard.admit(acme, 1, false);
        guard.admit(acme, 1, false);

        QuotaExceededException refused = catchThrowableOfType(() -> guard.checkHeadroom(acme),
                QuotaExceededException.class);

        assertThat(refused.quota()).isEqualTo("submissionsPerSecond");
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(500));
    }
}
