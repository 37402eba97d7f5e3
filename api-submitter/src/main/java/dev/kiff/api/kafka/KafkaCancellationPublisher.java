package dev.kiff.api.kafka;

import dev.kiff.core.port.CancellationPublisher;
import dev.kiff.core.topic.Topics;
import dev.kiff.spring.BrokerAcknowledgement;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.springframework.kafka.core.KafkaTemplate;

/** The {@link CancellationPublisher} on {@link Topics#CANCELLATIONS}, keyed by job id. */
public final class KafkaCancellationPublisher implements CancellationPublisher {

    private final KafkaTemplate<String, byte[]> kafka;
    private final Duration timeout;

    public KafkaCancellationPublisher(KafkaTemplate<String, byte[]> kafka, Duration timeout) {
        this.kafka = kafka;
        this.timeout = timeout;
    }

    @Override
    public void requestKill(UUID jobId) {
        BrokerAcknowledgement.send(() -> kafka.send(Topics.CANCELLATIONS, jobId.toString(),
                jobId.toString().getBytes(StandardCharsets.UTF_8)), timeout, "the kill request of Job(id=" + jobId + ")");
    }
}
