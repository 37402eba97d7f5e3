package dev.kiff.core.port;

import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.Job;
import java.util.List;

/** Hands an accepted job to the queue of its VM type. */
public interface JobPublisher {

    /**
     * Returns once the broker has durably taken the job.
     *
     * @throws TransientFailure when the broker did not take it in time; the job is then not queued
     */
    void publish(Job job);

    /**
     * Hands a batch's jobs over all at once: when this returns, consumers see all of them; when it throws, none.
     *
     * @throws TransientFailure when the broker did not take them all in time
     */
    void publishAll(List<Job> jobs);
}
