package dev.kiff.api.kafka;

import dev.kiff.core.failure.TransientFailure;
import dev.kiff.core.job.Job;
import dev.kiff.core.json.JobCodec;
import dev.kiff.core.port.JobPublisher;
import dev.kiff.core.topic.Topics;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.kafka.core.KafkaTemplate;

/** The {@link JobPublisher} on the job topic of each VM type, keyed by job id. */
public final class KafkaJobPublisher implements JobPublisher {

    private final KafkaTemplate<String, byte[]> kafka;
    private final JobCodec codec;
    private final Duration timeout;

    public KafkaJobPublisher(KafkaTemplate<String, byte[]> kafka, JobCodec codec, Duration timeout) {
        this.kafka = kafka;
        this.codec = codec;
        this.timeout = timeout;
    }

    @Override
    public void publish(Job job) {
        try {
            kafka.send(Topics.jobs(job.vmType()), job.id().toString(), codec.write(job.toMessage()))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientFailure("interrupted while queueing the job", e);
        } catch (ExecutionException | TimeoutException | org.springframework.kafka.KafkaException e) {
            throw new TransientFailure("the broker did not take the job within " + timeout, e);
        }
    }
}
