package dev.kiff.api.kafka;

import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.Job;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.port.JobPublisher;
import dev.kiff.core.topic.Topics;
import dev.kiff.spring.BrokerAcknowledgement;
import dev.kiff.spring.KafkaRecordSigner;
import java.time.Duration;
import java.util.List;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The {@link JobPublisher} on the job topic of each VM type, keyed by job id. A batch goes out in one Kafka
 * transaction (workers read committed records only), so either all its jobs reach the workers or none does.
 */
public final class KafkaJobPublisher implements JobPublisher, AutoCloseable {

    private final KafkaTemplate<String, byte[]> kafka;
    private final DefaultKafkaProducerFactory<String, byte[]> transactional;
    private final KafkaTemplate<String, byte[]> batches;
    private final JobCodec codec;
    private final Duration timeout;

    /**
     * @param transactional a producer factory with a transaction id prefix unique to this instance, for batches;
     *                      the publisher closes it
     * @param signer        signs the batches' records as the app's KafkaTemplate signs every other (workers run
     *                      only jobs that prove who named their tenant)
     */
    public KafkaJobPublisher(KafkaTemplate<String, byte[]> kafka,
            DefaultKafkaProducerFactory<String, byte[]> transactional, JobCodec codec, Duration timeout,
            KafkaRecordSigner signer) {
        this.kafka = kafka;
        this.transactional = transactional;
        this.batches = new KafkaTemplate<>(transactional);
        this.batches.setProducerInterceptor(signer);
        this.codec = codec;
        this.timeout = timeout;
    }

    @Override
    public void publish(Job job) {
        BrokerAcknowledgement.send(
                () -> kafka.send(Topics.jobs(job.vmType()), job.id().toString(), codec.write(job.toMessage())),
                timeout, "the job");
    }

    @Override
    public void publishAll(List<Job> jobs) {
        try {
            // The commit waits for every record to be acknowledged, or aborts them all.
            batches.executeInTransaction(ops -> {
                for (Job job : jobs) {
                    ops.send(Topics.jobs(job.vmType()), job.id().toString(), codec.write(job.toMessage()));
                }
                return null;
            });
        } catch (RuntimeException e) {
            // Kafka's own and spring-kafka's exceptions alike: the transaction was aborted, nothing is visible.
            throw new TransientFailure("the broker did not take the batch: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        transactional.destroy();
    }
}
