package dev.kiff.worker.kafka;

import dev.kiff.model.job.Attempt;
import dev.kiff.model.job.Job;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.port.DeadLetterPublisher;
import dev.kiff.core.topic.Topics;
import dev.kiff.spring.BrokerAcknowledgement;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The {@link DeadLetterPublisher} on {@code kiff.jobs.dlq}: the job's message as it was queued, with the reason
 * ({@code kiff-reason}) and every attempt ({@code kiff-attempts}, a JSON array) as headers — the same shape as a
 * record refused as invalid, so one consumer reads both.
 */
public final class KafkaDeadLetterPublisher implements DeadLetterPublisher {

    private final KafkaTemplate<String, byte[]> kafka;
    private final JobCodec codec;
    private final Duration timeout;

    public KafkaDeadLetterPublisher(KafkaTemplate<String, byte[]> kafka, JobCodec codec, Duration timeout) {
        this.kafka = kafka;
        this.codec = codec;
        this.timeout = timeout;
    }

    @Override
    public void deadLetter(Job job, String reason, List<Attempt> attempts) {
        ProducerRecord<String, byte[]> dead = new ProducerRecord<>(Topics.DEAD_LETTERS, null, job.id().toString(),
                codec.write(job.toMessage()));
        dead.headers().add(Topics.REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        dead.headers().add(Topics.ATTEMPTS_HEADER, codec.write(attempts));
        BrokerAcknowledgement.send(() -> kafka.send(dead), timeout, "a dead-lettered job");
    }
}
