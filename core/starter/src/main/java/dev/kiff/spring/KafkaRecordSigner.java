package dev.kiff.spring;

import dev.kiff.model.trust.RecordSignature;
import dev.kiff.model.trust.SigningKey;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Signs every record a Kiff service sends with the platform key: set on each {@code KafkaTemplate} of the app (see
 * {@link KiffAutoConfiguration}), so no publisher can forget it. Whatever signature header a record had is replaced.
 */
public final class KafkaRecordSigner implements ProducerInterceptor<String, byte[]> {

    private final SigningKey key;

    public KafkaRecordSigner(SigningKey key) {
        this.key = key;
    }

    @Override
    public ProducerRecord<String, byte[]> onSend(ProducerRecord<String, byte[]> record) {
        record.headers().remove(RecordSignature.HEADER);
        record.headers().add(RecordSignature.HEADER, RecordSignature.of(key, record.topic(), record.key(),
                record.value()).headerValue().getBytes(StandardCharsets.US_ASCII));
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
    }

    @Override
    public void close() {
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
