package dev.kiff.core.port;

import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.JobResult;

/** Announces a job's terminal result to subscribers. */
public interface ResultPublisher {

    /**
     * Returns once the result is durably published.
     *
     * @throws TransientFailure when it could not be published in time
     */
    void publish(JobResult result);
}
