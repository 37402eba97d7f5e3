package dev.kiff.core.tenant;

/**
 * What one tenant may ask of the platform. A request beyond a quota is refused with 429 and a {@code Retry-After},
 * and nothing of it is stored.
 *
 * @param maxConcurrentJobs    jobs not yet ended (queued or running) at any moment; a batch counts all its jobs
 * @param submissionsPerSecond submissions (a job or a whole batch) per second, with a burst of one second's worth
 * @param maxBatchSize         jobs in one batch, at most {@link #BATCH_SIZE_LIMIT}
 */
public record Quotas(int maxConcurrentJobs, int submissionsPerSecond, int maxBatchSize) {

    /** The platform's own ceiling on a batch, whatever a tenant's quota says. */
    public static final int BATCH_SIZE_LIMIT = 10_000;

    public static final Quotas DEFAULT = new Quotas(20_000, 50, BATCH_SIZE_LIMIT);

    public Quotas {
        if (maxConcurrentJobs < 1 || submissionsPerSecond < 1 || maxBatchSize < 1
                || maxBatchSize > BATCH_SIZE_LIMIT) {
            throw new IllegalArgumentException("quotas must be positive and a batch at most " + BATCH_SIZE_LIMIT
                    + " jobs: " + maxConcurrentJobs + "/" + submissionsPerSecond + "/" + maxBatchSize);
        }
    }

    /** These quotas with the given ones replaced; a null keeps the current value. */
    public Quotas with(Integer concurrent, Integer perSecond, Integer batchSize) {
        return new Quotas(concurrent == null ? maxConcurrentJobs : concurrent,
                perSecond == null ? submissionsPerSecond : perSecond,
                batchSize == null ? maxBatchSize : batchSize);
    }
}
