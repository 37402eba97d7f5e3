package dev.kiff.scheduler;

import dev.kiff.model.control.PoolTargets;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.scale.TargetPublisher;
import dev.kiff.core.topic.Topics;
import dev.kiff.spring.BrokerAcknowledgement;
import java.time.Duration;
import org.springframework.kafka.core.KafkaTemplate;

/** Hands a worker its targets on the compacted {@link Topics#POOL_TARGETS} topic, keyed by the worker's id. */
public final class KafkaTargetPublisher implements TargetPublisher {

    private final KafkaTemplate<String, byte[]> kafka;
    private final JobCodec codec;
    private final Duration timeout;

    public KafkaTargetPublisher(KafkaTemplate<String, byte[]> kafka, JobCodec codec, Duration timeout) {
        this.kafka = kafka;
        this.codec = codec;
        this.timeout = timeout;
    }

    @Override
    public void publish(PoolTargets targets) {
        BrokerAcknowledgement.send(() -> kafka.send(Topics.POOL_TARGETS, targets.workerId(), codec.write(targets)),
                timeout, "the pool targets of worker " + targets.workerId());
    }
}
