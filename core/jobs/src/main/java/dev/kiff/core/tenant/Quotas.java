package dev.kiff.core.tenant;

/**
 * What one tenant may ask of the platform. A request beyond a quota is refused with 429 and a {@code Retry-After},
 * and nothing of it is stored.
 *
 * @param maxConcurrentJobs    jobs not yet ended (queued or running) at any moment; a batch counts all its jobs
 * @param submissionsPerSecond submissions (a job or a whole batch) per second, with a burst of one second's worth
 * @param maxBatchSize         jobs in one batch, at most {@link #BATCH_SIZE_LIMIT}
 * @param maxOpenSessions      agent sessions open (CREATING, READY, BUSY or IDLE) at any moment, at most
 *                             {@link #OPEN_SESSIONS_LIMIT}; 0 lets the tenant open none. Each holds a sandbox.
 */
public record Quotas(int maxConcurrentJobs, int submissionsPerSecond, int maxBatchSize, int maxOpenSessions) {

    /** The platform's own ceiling on a batch, whatever a tenant's quota says. */
    public static final int BATCH_SIZE_LIMIT = 10_000;

    /** The platform's own ceiling on a tenant's open sessions: each one holds a sandbox for good. */
    public static final int OPEN_SESSIONS_LIMIT = 10_000;

    /** The open-session quota of a tenant nobody set one for ({@code tenants.max_open_sessions}' default). */
    public static final int DEFAULT_OPEN_SESSIONS = 5;

    public static final Quotas DEFAULT = new Quotas(20_000, 50, BATCH_SIZE_LIMIT, DEFAULT_OPEN_SESSIONS);

    public Quotas {
        if (maxConcurrentJobs < 1 || submissionsPerSecond < 1 || maxBatchSize < 1
                || maxBatchSize > BATCH_SIZE_LIMIT) {
            throw new IllegalArgumentException("quotas must be positive and a batch at most " + BATCH_SIZE_LIMIT
                    + " jobs: " + maxConcurrentJobs + "/" + submissionsPerSecond + "/" + maxBatchSize);
        }
        if (maxOpenSessions < 0 || maxOpenSessions > OPEN_SESSIONS_LIMIT) {
            throw new IllegalArgumentException("maxOpenSessions must be 0 to " + OPEN_SESSIONS_LIMIT + ": "
                    + maxOpenSessions);
        }
    }

    /** Quotas with the default open-session quota. */
    public Quotas(int maxConcurrentJobs, int submissionsPerSecond, int maxBatchSize) {
        this(maxConcurrentJobs, submissionsPerSecond, maxBatchSize, DEFAULT_OPEN_SESSIONS);
    }

    /** These quotas with the given ones replaced; a null keeps the current value. */
    public Quotas with(Integer concurrent, Integer perSecond, Integer batchSize) {
        return with(concurrent, perSecond, batchSize, null);
    }

    /** These quotas with the given ones replaced; a null keeps the current value. */
    public Quotas with(Integer concurrent, Integer perSecond, Integer batchSize, Integer openSessions) {
        return new Quotas(concurrent == null ? maxConcurrentJobs : concurrent,
                perSecond == null ? submissionsPerSecond : perSecond,
                batchSize == null ? maxBatchSize : batchSize,
                openSessions == null ? maxOpenSessions : openSessions);
    }
}
