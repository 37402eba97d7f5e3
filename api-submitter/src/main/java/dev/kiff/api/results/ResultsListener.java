package dev.kiff.api.results;

import dev.kiff.api.events.LiveEvents;
import dev.kiff.model.job.InvalidJobException;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.topic.Topics;
import dev.kiff.spring.KafkaRecordVerifier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * Hears {@code kiff.results} from now on, in a consumer group of this instance alone (every instance must hear
 * every result), and wakes the requests waiting for each job and the streams watching it.
 */
public class ResultsListener {

    private static final Logger log = LoggerFactory.getLogger(ResultsListener.class);

    private final ResultWaiters waiters;
    private final LiveEvents live;
    private final JobCodec codec;
    private final KafkaRecordVerifier verifier;

    /** @param verifier only results Kiff's own services signed are served: anyone else's are dropped */
    public ResultsListener(ResultWaiters waiters, LiveEvents live, JobCodec codec, KafkaRecordVerifier verifier) {
        this.verifier = verifier;
        this.waiters = waiters;
        this.live = live;
        this.codec = codec;
    }

    @KafkaListener(id = "kiff-api-results", topics = Topics.RESULTS,
            groupId = "kiff-api-${random.uuid}",
            properties = {"auto.offset.reset=latest", "enable.auto.commit=false"})
    public void onResult(ConsumerRecord<String, byte[]> record) {
        if (!verifier.fromKiff(record)) {
            return;
        }
        try {
            JobResult result = codec.readResult(record.value());
            log.debug("Job(id={}) result heard {} ms after it was published", result.id(),
                    System.currentTimeMillis() - record.timestamp());
            waiters.resultArrived(result);
            live.resultArrived(result);
        } catch (InvalidJobException e) {
            log.warn("result record {}-{}@{} (key {}) is not a job result: {}", record.topic(), record.partition(),
                    record.offset(), record.key(), e.getMessage());
        }
    }
}
