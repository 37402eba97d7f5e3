package dev.kiff.api.kafka;

import dev.kiff.core.job.Job;
import dev.kiff.core.json.JobCodec;
import dev.kiff.core.port.JobPublisher;
import dev.kiff.core.topic.Topics;
import dev.kiff.spring.BrokerAcknowledgement;
import java.time.Duration;
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
        BrokerAcknowledgement.send(
                () -> kafka.send(Topics.jobs(job.vmType()), job.id().toString(), codec.write(job.toMessage())),
                timeout, "the job");
    }
}
