package dev.kiff.api.kafka;

import dev.kiff.core.session.SessionCommandPublisher;
import dev.kiff.core.topic.Topics;
import dev.kiff.model.job.JobMessage;
import dev.kiff.model.json.JobCodec;
import dev.kiff.model.session.SessionOpen;
import dev.kiff.spring.BrokerAcknowledgement;
import java.time.Duration;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The {@link SessionCommandPublisher} on Kafka: opens on {@code kiff.session-opens.<vmType>}, runs, file operations
 * and closes on the holding worker's run topic, all keyed by session id (a session's commands stay in order) and
 * signed with the platform key by the template's {@code KafkaRecordSigner} interceptor, as every record of the API.
 * Workers refuse session commands that are not platform-signed.
 */
public final class KafkaSessionCommandPublisher implements SessionCommandPublisher {

    private final KafkaTemplate<String, byte[]> kafka;
    private final JobCodec codec;
    private final Duration timeout;

    public KafkaSessionCommandPublisher(KafkaTemplate<String, byte[]> kafka, JobCodec codec, Duration timeout) {
        this.kafka = kafka;
        this.codec = codec;
        this.timeout = timeout;
    }

    @Override
    public void open(SessionOpen open) {
        BrokerAcknowledgement.send(() -> kafka.send(Topics.sessionOpens(open.vmType()), open.sessionId().toString(),
                codec.write(open)), timeout, "the open of Session(id=" + open.sessionId() + ")");
    }

    @Override
    public void send(String runTopic, JobMessage command) {
        String session = command.session().id().toString();
        BrokerAcknowledgement.send(() -> kafka.send(runTopic, session, codec.write(command)), timeout,
                "the " + command.session().op() + " of Session(id=" + session + ")");
    }
}
