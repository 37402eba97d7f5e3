package dev.kiff.core.port;

import dev.kiff.core.failure.TransientFailure;
import dev.kiff.core.job.JobResult;

/** Announces a job's terminal result to subscribers. */
public interface ResultPublisher {

    /**
     * Returns once the result is durably published.
     *
     * @throws TransientFailure when it could not be published in time
     */
    void publish(JobResult result);
}
