package dev.kiff.core.notify;

import dev.kiff.model.batch.BatchProgress;

/** Announces that a batch completed, to the tenant's live stream and Kafka-native agents. */
public interface BatchEventPublisher {

    /** @throws dev.kiff.model.failure.TransientFailure when the broker did not take it */
    void completed(BatchProgress batch);
}
