package dev.kiff.api.kafka;

import dev.kiff.core.topic.Topics;
import dev.kiff.spring.BrokerAcknowledgement;
import dev.kiff.spring.DeadLetterRecord;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;

/**
 * Where a result that can never be followed up goes: logged at ERROR and copied to the dead-letter topic with its
 * reason ({@code kiff-reason}) and where it came from, for a person to look at. Should the broker not take it, the
 * failure propagates and the record is delivered again: nothing is dropped unseen.
 */
public class KafkaFollowUpDeadLetters implements ConsumerRecordRecoverer {

    private static final Logger log = LoggerFactory.getLogger(KafkaFollowUpDeadLetters.class);

    private final KafkaTemplate<String, byte[]> kafka;
    private final Duration publishTimeout;

    public KafkaFollowUpDeadLetters(KafkaTemplate<String, byte[]> kafka, Duration publishTimeout) {
        this.kafka = kafka;
        this.publishTimeout = publishTimeout;
    }

    @Override
    public void accept(ConsumerRecord<?, ?> record, Exception failure) {
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        String reason = "result follow-up impossible: " + cause.getMessage();
        log.error("Result record {}-{}@{} (key {}) cannot be followed up (webhook, batch), sent to {}: {}",
                record.topic(), record.partition(), record.offset(), record.key(), Topics.DEAD_LETTERS, reason);
        ProducerRecord<String, byte[]> dead = DeadLetterRecord.of(record, reason);
        BrokerAcknowledgement.send(() -> kafka.send(dead), publishTimeout, "a dead-letter record");
    }
}
