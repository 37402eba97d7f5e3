package dev.kiff.spring;

import dev.kiff.model.trust.RecordSignature;
import dev.kiff.core.trust.RecordVerifier;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the records Kiff's own services produced (signed with the platform key) from anyone else's, for the readers
 * of results, logs, batch events and control topics: what fails is dropped with a WARN, at most one a
 * {@link #WARN_EVERY} with the count dropped since, so a flood of forgeries cannot flood the log.
 */
public final class KafkaRecordVerifier {

    private static final Logger log = LoggerFactory.getLogger(KafkaRecordVerifier.class);
    static final Duration WARN_EVERY = Duration.ofSeconds(10);

    private final RecordVerifier verifier;
    private final Clock clock;
    private final AtomicLong nextWarnAt = new AtomicLong();
    private final AtomicLong droppedSinceWarn = new AtomicLong();

    public KafkaRecordVerifier(RecordVerifier verifier, Clock clock) {
        this.verifier = verifier;
        this.clock = clock;
    }

    /** Whether the record comes from Kiff's own producers; when not, it is counted and (rate-limited) logged. */
    public boolean fromKiff(ConsumerRecord<String, byte[]> record) {
        String header = signatureHeader(record);
        if (verifier.platformSigned(record.topic(), record.key(), record.value(), header)) {
            return true;
        }
        long dropped = droppedSinceWarn.incrementAndGet();
        long now = clock.millis();
        long due = nextWarnAt.get();
        if (now >= due && nextWarnAt.compareAndSet(due, now + WARN_EVERY.toMillis())) {
            droppedSinceWarn.addAndGet(-dropped);
            log.warn("dropped {} record(s) not signed by Kiff, the latest {}-{}@{} (key {}): {}", dropped,
                    record.topic(), record.partition(), record.offset(), record.key(),
                    header == null ? "unsigned" : "bad or foreign signature");
        }
        return false;
    }

    /** The record's {@value RecordSignature#HEADER} header, or null. */
    public static String signatureHeader(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(RecordSignature.HEADER);
        return header == null || header.value() == null ? null
                : new String(header.value(), StandardCharsets.US_ASCII);
    }
}
