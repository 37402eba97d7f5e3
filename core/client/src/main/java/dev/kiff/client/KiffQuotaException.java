package dev.kiff.client;

/** A quota of the tenant is exhausted (429); try again after {@link #retryAfter()}. */
public class KiffQuotaException extends KiffException {

    public KiffQuotaException(Problem problem) {
        super(problem);
    }

    /**
     * Which quota: {@code maxConcurrentJobs}, {@code submissionsPerSecond}, {@code maxBatchSize}, or
     * {@code maxOpenSessions} (problem {@code session-quota}).
     */
    public String quota() {
        return property("quota");
    }
}
