package dev.kiff.spring;

import dev.kiff.core.topic.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A received record on its way to {@link Topics#DEAD_LETTERS}: as it arrived, with why it was refused and where it
 * came from, so that a person can find it and a tool can replay it.
 */
public final class DeadLetterRecord {

    private DeadLetterRecord() {
    }

    public static ProducerRecord<String, byte[]> of(ConsumerRecord<?, ?> received, String reason) {
        ProducerRecord<String, byte[]> dead = new ProducerRecord<>(Topics.DEAD_LETTERS, null,
                received.key() == null ? null : received.key().toString(), (byte[]) received.value());
        dead.headers().add(Topics.REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        dead.headers().add("kiff-original-topic", received.topic().getBytes(StandardCharsets.UTF_8));
        dead.headers().add("kiff-original-partition",
                String.valueOf(received.partition()).getBytes(StandardCharsets.UTF_8));
        dead.headers().add("kiff-original-offset",
                String.valueOf(received.offset()).getBytes(StandardCharsets.UTF_8));
        return dead;
    }
}
