package dev.kiff.model.job;


/**
 * How often a job may run. Platform failures (its worker died, Docker failed, the sandbox broke) are retried up to
 * {@code maxAttempts} runs in all; failures of the user's code (FAILED, TIMED_OUT, OOM_KILLED) only when
 * {@code onFailure} asks for it. A job that runs out of attempts on platform failures is dead-lettered.
 *
 * @param maxAttempts runs in all, 1 to {@link #MAX_ATTEMPTS}; null in a request means {@link #DEFAULT_ATTEMPTS}
 * @param onFailure   whether a failure of the code itself is also retried; null means false
 */
public record RetryPolicy(Integer maxAttempts, Boolean onFailure) {

    public static final int DEFAULT_ATTEMPTS = 3;
    public static final int MAX_ATTEMPTS = 10;
    public static final RetryPolicy DEFAULT = new RetryPolicy(DEFAULT_ATTEMPTS, false);

    /** The policy with every omitted field at its default. */
    public RetryPolicy resolved() {
        return new RetryPolicy(maxAttempts == null ? DEFAULT_ATTEMPTS : maxAttempts,
                onFailure != null && onFailure);
    }

    /** Whether a run that ended in {@code outcome} as attempt number {@code attempt} gets another run. */
    public boolean retries(JobStatus outcome, int attempt) {
        RetryPolicy p = resolved();
        boolean userFailure = outcome == JobStatus.FAILED || outcome == JobStatus.TIMED_OUT
                || outcome == JobStatus.OOM_KILLED;
        return userFailure && p.onFailure() && attempt < p.maxAttempts();
    }

    /** Whether attempt number {@code attempt} may still start. */
    public boolean allowsAttempt(int attempt) {
        return attempt <= resolved().maxAttempts();
    }
}
