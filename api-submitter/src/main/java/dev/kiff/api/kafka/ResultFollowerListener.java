package dev.kiff.api.kafka;

import dev.kiff.model.failure.PermanentFailure;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.notify.ResultFollower;
import dev.kiff.core.topic.Topics;
import dev.kiff.spring.KafkaRecordVerifier;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.ContainerPausingBackOffHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.ListenerContainerPauseService;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Feeds every result on {@code kiff.results} to the {@link ResultFollower}, once across all API instances (one
 * shared consumer group): webhooks are queued and batch completions announced off the workers.
 *
 * <p>A follow-up that fails is never dropped: the listener throws, and its container's {@link #errorHandler} seeks
 * back to the record and delivers it again, without end, after a growing pause during which the container is paused
 * (the listener thread does not sleep). Only a record that can never be followed up (a {@link PermanentFailure}: a
 * signed record that is not a job result) is handed to the dead letters.
 */
public class ResultFollowerListener {

    /** The listener container factory this listener runs in: its own, for its error handler. */
    public static final String CONTAINER_FACTORY = "resultFollowerContainerFactory";

    private static final Logger log = LoggerFactory.getLogger(ResultFollowerListener.class);

    private final ResultFollower follower;
    private final JobCodec codec;
    private final KafkaRecordVerifier verifier;

    /** @param verifier only results Kiff's own services signed are followed up (webhooks, batches) */
    public ResultFollowerListener(ResultFollower follower, JobCodec codec, KafkaRecordVerifier verifier) {
        this.verifier = verifier;
        this.follower = follower;
        this.codec = codec;
    }

    @KafkaListener(id = "kiff-result-follower", topics = Topics.RESULTS, groupId = Topics.FOLLOWER_GROUP,
            containerFactory = CONTAINER_FACTORY, properties = {"auto.offset.reset=earliest"})
    public void onResult(ConsumerRecord<String, byte[]> record) {
        if (!verifier.fromKiff(record)) {
            return;
        }
        // An unreadable result throws InvalidJobException, a PermanentFailure: dead-lettered, never retried.
        JobResult result = codec.readResult(record.value());
        try {
            follower.follow(result);
        } catch (RuntimeException e) {
            log.warn("Job(id={}) result follow-up (webhook, batch) failed, tried again after a pause: {}", result.id(),
                    e.toString());
            throw e;
        }
    }

    /**
     * How failed follow-ups are tried again: first after {@code first}, each pause twice the last up to {@code max},
     * and never given up.
     */
    public static BackOff retryPolicy(Duration first, Duration max) {
        ExponentialBackOff backOff = new ExponentialBackOff(first.toMillis(), 2.0);
        backOff.setMaxInterval(max.toMillis());
        backOff.setMaxElapsedTime(Long.MAX_VALUE);
        backOff.setMaxAttempts(Long.MAX_VALUE);
        return backOff;
    }

    /**
     * The error handler of this listener's container: retries with {@code retries}, pausing the container between
     * tries, and gives a permanent failure to {@code deadLetters} at once.
     */
    public static DefaultErrorHandler errorHandler(ConsumerRecordRecoverer deadLetters, BackOff retries,
            ListenerContainerPauseService pauser) {
        DefaultErrorHandler handler = new DefaultErrorHandler(deadLetters, retries,
                new ContainerPausingBackOffHandler(pauser));
        handler.addNotRetryableExceptions(PermanentFailure.class);
        return handler;
    }
}
