package dev.kiff.api.kafka;

import dev.kiff.core.job.InvalidJobException;
import dev.kiff.core.job.JobResult;
import dev.kiff.core.json.JobCodec;
import dev.kiff.core.notify.ResultFollower;
import dev.kiff.core.topic.Topics;
import java.time.Duration;
import dev.kiff.spring.KafkaRecordVerifier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * Feeds every result on {@code kiff.results} to the {@link ResultFollower}, once across all API instances (one
 * shared consumer group): webhooks are queued and batch completions announced off the workers.
 */
public class ResultFollowerListener {

    private static final Logger log = LoggerFactory.getLogger(ResultFollowerListener.class);
    private static final int TRIES = 5;

    private final ResultFollower follower;
    private final JobCodec codec;
    private final Duration backoff;
    private final KafkaRecordVerifier verifier;

    /** @param verifier only results Kiff's own services signed are followed up (webhooks, batches) */
    public ResultFollowerListener(ResultFollower follower, JobCodec codec, Duration backoff,
            KafkaRecordVerifier verifier) {
        this.verifier = verifier;
        this.follower = follower;
        this.codec = codec;
        this.backoff = backoff;
    }

    @KafkaListener(id = "kiff-result-follower", topics = Topics.RESULTS, groupId = Topics.FOLLOWER_GROUP,
            properties = {"auto.offset.reset=earliest"})
    public void onResult(ConsumerRecord<String, byte[]> record) throws InterruptedException {
        JobResult result = parse(record);
        if (result == null) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                follower.follow(result);
                return;
            } catch (RuntimeException e) {
                if (attempt == TRIES) {
                    log.error("Job(id={}) result could not be followed up after {} tries (webhook, batch): {}",
                            result.id(), TRIES, e.getMessage(), e);
                    return;
                }
                log.warn("Job(id={}) result follow-up failed try {}: {}", result.id(), attempt, e.getMessage());
                // The listener thread is this follower's own: pausing it delays only follow-ups.
                Thread.sleep(backoff.toMillis() << (attempt - 1));
            }
        }
    }

    private JobResult parse(ConsumerRecord<String, byte[]> record) {
        if (!verifier.fromKiff(record)) {
            return null;
        }
        try {
            return codec.readResult(record.value());
        } catch (InvalidJobException e) {
            log.warn("result record {}-{}@{} is not a job result: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return null;
        }
    }
}
