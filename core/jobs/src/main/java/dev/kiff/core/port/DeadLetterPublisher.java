package dev.kiff.core.port;

import dev.kiff.model.job.Attempt;
import dev.kiff.model.job.Job;
import java.util.List;

/** Puts a job that ran out of attempts where operators and Kafka-native agents find it: the dead-letter topic. */
public interface DeadLetterPublisher {

    /**
     * @param reason   why the last attempt failed
     * @param attempts every run of the job, with its reason
     * @throws dev.kiff.model.failure.TransientFailure when the broker did not take it
     */
    void deadLetter(Job job, String reason, List<Attempt> attempts);
}
