package dev.kiff.spring;

import dev.kiff.model.job.JobResult;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.port.ResultPublisher;
import dev.kiff.core.topic.Topics;
import java.time.Duration;
import org.springframework.kafka.core.KafkaTemplate;

/** The {@link ResultPublisher} on the {@code kiff.results} topic, keyed by job id. */
public final class KafkaResultPublisher implements ResultPublisher {

    private final KafkaTemplate<String, byte[]> kafka;
    private final JobCodec codec;
    private final Duration timeout;

    public KafkaResultPublisher(KafkaTemplate<String, byte[]> kafka, JobCodec codec, Duration timeout) {
        this.kafka = kafka;
        this.codec = codec;
        this.timeout = timeout;
    }

    @Override
    public void publish(JobResult result) {
        BrokerAcknowledgement.send(
                () -> kafka.send(Topics.RESULTS, result.id().toString(), codec.write(result)),
                timeout, "the result of Job(id=" + result.id() + ")");
    }
}
