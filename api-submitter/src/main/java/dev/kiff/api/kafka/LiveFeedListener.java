package dev.kiff.api.kafka;

import dev.kiff.api.events.LiveEvents;
import dev.kiff.model.job.InvalidJobException;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.topic.Topics;
import dev.kiff.spring.KafkaRecordVerifier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * Hears jobs' live output ({@code kiff.logs}) and batch completions ({@code kiff.batches}) from now on, in a
 * consumer group of this instance alone (every instance serves its own streams), and hands them to the open
 * streams. What happened before a stream opened, it reads from the database.
 */
public class LiveFeedListener {

    private static final Logger log = LoggerFactory.getLogger(LiveFeedListener.class);

    private final LiveEvents live;
    private final JobCodec codec;
    private final KafkaRecordVerifier verifier;

    /** @param verifier only output and batch events Kiff's own services signed reach the streams */
    public LiveFeedListener(LiveEvents live, JobCodec codec, KafkaRecordVerifier verifier) {
        this.verifier = verifier;
        this.live = live;
        this.codec = codec;
    }

    @KafkaListener(id = "kiff-api-logs", topics = Topics.LOGS, groupId = "kiff-api-logs-${random.uuid}",
            properties = {"auto.offset.reset=latest", "enable.auto.commit=false"})
    public void onChunk(ConsumerRecord<String, byte[]> record) {
        if (!verifier.fromKiff(record)) {
            return;
        }
        try {
            live.chunkArrived(codec.readLogChunk(record.value()));
        } catch (InvalidJobException e) {
            log.warn("log record {}-{}@{} is not an output chunk: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
        }
    }

    @KafkaListener(id = "kiff-api-batches", topics = Topics.BATCH_EVENTS, groupId = "kiff-api-batches-${random.uuid}",
            properties = {"auto.offset.reset=latest", "enable.auto.commit=false"})
    public void onBatch(ConsumerRecord<String, byte[]> record) {
        if (!verifier.fromKiff(record)) {
            return;
        }
        try {
            live.batchCompleted(codec.readBatchProgress(record.value()));
        } catch (InvalidJobException e) {
            log.warn("batch record {}-{}@{} is not a batch: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
        }
    }
}
