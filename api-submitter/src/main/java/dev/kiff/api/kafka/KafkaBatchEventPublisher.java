package dev.kiff.api.kafka;

import dev.kiff.model.batch.BatchProgress;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.notify.BatchEventPublisher;
import dev.kiff.core.topic.Topics;
import dev.kiff.spring.BrokerAcknowledgement;
import java.time.Duration;
import org.springframework.kafka.core.KafkaTemplate;

/** The {@link BatchEventPublisher} on {@code kiff.batches}, keyed by batch id. */
public final class KafkaBatchEventPublisher implements BatchEventPublisher {

    private final KafkaTemplate<String, byte[]> kafka;
    private final JobCodec codec;
    private final Duration timeout;

    public KafkaBatchEventPublisher(KafkaTemplate<String, byte[]> kafka, JobCodec codec, Duration timeout) {
        this.kafka = kafka;
        this.codec = codec;
        this.timeout = timeout;
    }

    @Override
    public void completed(BatchProgress batch) {
        BrokerAcknowledgement.send(() -> kafka.send(Topics.BATCH_EVENTS, batch.id().toString(), codec.write(batch)),
                timeout, "a batch event");
    }
}
