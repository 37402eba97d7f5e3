package dev.kiff.spring;

import dev.kiff.core.session.SessionEventPublisher;
import dev.kiff.core.topic.Topics;
import dev.kiff.model.json.JobCodec;
import dev.kiff.model.session.SessionEvent;
import java.time.Duration;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The {@link SessionEventPublisher} on {@code kiff.session-events}, keyed by session id, platform-signed by the
 * template's interceptor. Both the API and the worker publish through it.
 */
public final class KafkaSessionEventPublisher implements SessionEventPublisher {

    private final KafkaTemplate<String, byte[]> kafka;
    private final JobCodec codec;
    private final Duration timeout;

    public KafkaSessionEventPublisher(KafkaTemplate<String, byte[]> kafka, JobCodec codec, Duration timeout) {
        this.kafka = kafka;
        this.codec = codec;
        this.timeout = timeout;
    }

    @Override
    public void publish(SessionEvent event) {
        BrokerAcknowledgement.send(() -> kafka.send(Topics.SESSION_EVENTS, event.sessionId().toString(),
                codec.write(event)), timeout, "the " + event.state() + " event of Session(id=" + event.sessionId()
                + ")");
    }
}
