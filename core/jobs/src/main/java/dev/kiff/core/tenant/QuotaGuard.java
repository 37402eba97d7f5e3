package dev.kiff.core.tenant;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Where a tenant's quotas are enforced before anything of a submission is stored. The submission rate is a token
 * bucket per tenant holding one second's worth of submissions, kept in this process (each API instance enforces it
 * on its own share of the traffic); unfinished jobs are counted in the {@link TenantDirectory}.
 */
public final class QuotaGuard {

    private final TenantDirectory tenants;
    private final Clock clock;
    private final Duration unfinishedRetryAfter;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /**
     * @param unfinishedRetryAfter the {@code Retry-After} for a tenant at its concurrent-jobs quota: a guess at when
     *                             some of its jobs will have ended
     */
    public QuotaGuard(TenantDirectory tenants, Clock clock, Duration unfinishedRetryAfter) {
        this.tenants = tenants;
        this.clock = clock;
        this.unfinishedRetryAfter = unfinishedRetryAfter;
    }

    /**
     * Admits a submission of {@code jobs} jobs ({@code batch}: as one batch) and stores it, or throws. Admission and
     * {@code store} run under the tenant's lock, so concurrent submissions to this instance cannot together pass the
     * concurrent-jobs quota between counting and storing. (Several API instances each hold their own lock: across
     * them the quota can be passed by the submissions racing at that moment.)
     *
     * @throws QuotaExceededException naming the quota, with when to try again; {@code store} did not run
     */
    public <T> T admit(Tenant tenant, int jobs, boolean batch, Supplier<T> store) {
        synchronized (locks.computeIfAbsent(tenant.id(), id -> new Object())) {
            admit(tenant, jobs, batch);
            return store.get();
        }
    }

    /**
     * Refuses, before anything of a submission is read, a tenant with no room left: at its concurrent-jobs quota, or
     * with no submission token. Takes no token: {@link #admit(Tenant, int, boolean, Supplier)} checks again.
     *
     * @throws QuotaExceededException naming the quota, with when to try again
     */
    public void checkHeadroom(Tenant tenant) {
        Quotas quotas = tenant.quotas();
        int unfinished = tenants.unfinishedJobs(tenant.id());
        if (unfinished >= quotas.maxConcurrentJobs()) {
            throw new QuotaExceededException("maxConcurrentJobs", unfinished + " jobs have not ended yet, the quota"
                    + " is " + quotas.maxConcurrentJobs(), unfinishedRetryAfter);
        }
        long waitNanos = buckets.computeIfAbsent(tenant.id(), id -> new Bucket())
                .peek(quotas.submissionsPerSecond(), clock.millis());
        if (waitNanos > 0) {
            throw new QuotaExceededException("submissionsPerSecond", "more than " + quotas.submissionsPerSecond()
                    + " submissions per second", Duration.ofNanos(waitNanos));
        }
    }

    /** Admits a submission or throws, storing nothing: see {@link #admit(Tenant, int, boolean, Supplier)}. */
    void admit(Tenant tenant, int jobs, boolean batch) {
        Quotas quotas = tenant.quotas();
        if (batch && jobs > quotas.maxBatchSize()) {
            // Waiting does not help this one, but 429 is what a quota answers; the message says to split it.
            throw new QuotaExceededException("maxBatchSize", "a batch of " + jobs + " jobs is over the quota of "
                    + quotas.maxBatchSize() + "; split it", Duration.ofSeconds(1));
        }
        // Checked before the rate, so a submission refused here does not spend a token.
        int unfinished = tenants.unfinishedJobs(tenant.id());
        if (unfinished + jobs > quotas.maxConcurrentJobs()) {
            throw new QuotaExceededException("maxConcurrentJobs", unfinished + " jobs have not ended yet, and "
                    + jobs + " more would pass the quota of " + quotas.maxConcurrentJobs(), unfinishedRetryAfter);
        }
        long waitNanos = buckets.computeIfAbsent(tenant.id(), id -> new Bucket())
                .take(quotas.submissionsPerSecond(), clock.millis());
        if (waitNanos > 0) {
            throw new QuotaExceededException("submissionsPerSecond", "more than " + quotas.submissionsPerSecond()
                    + " submissions per second", Duration.ofNanos(waitNanos));
        }
    }

    /** A token bucket of capacity {@code rate}, refilled at {@code rate} per second. */
    private static final class Bucket {
        private double tokens = -1;
        private long lastMillis;

        /** Takes a token; 0 when one was there, otherwise the nanoseconds until one will be. */
        synchronized long take(int rate, long nowMillis) {
            long wait = peek(rate, nowMillis);
            if (wait == 0) {
                tokens -= 1;
            }
            return wait;
        }

        /** 0 when a token is there (left in place), otherwise the nanoseconds until one will be. */
        synchronized long peek(int rate, long nowMillis) {
            if (tokens < 0) {
                tokens = rate;
            } else {
                tokens = Math.min(rate, tokens + (nowMillis - lastMillis) * rate / 1000.0);
            }
            lastMillis = nowMillis;
            return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / rate * 1_000_000_000L);
        }
    }
}
