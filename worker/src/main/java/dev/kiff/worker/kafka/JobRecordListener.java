package dev.kiff.worker.kafka;

import dev.kiff.core.exec.JobExecutor;
import dev.kiff.core.job.InvalidJobException;
import dev.kiff.core.job.Job;
import dev.kiff.core.job.JobMessage;
import dev.kiff.core.job.JobValidator;
import dev.kiff.core.json.JobCodec;
import dev.kiff.core.topic.Topics;
import dev.kiff.spring.BrokerAcknowledgement;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Where a job record enters the worker: parse and validate it (a record that fails goes to the dead-letter topic
 * with the reason, and the worker moves on), then hand the job to the {@link JobExecutor}. The offset is committed
 * after this returns, so after the result is stored and published.
 */
public class JobRecordListener {

    private static final Logger log = LoggerFactory.getLogger(JobRecordListener.class);

    private final JobCodec codec;
    private final JobValidator validator;
    private final JobExecutor executor;
    private final KafkaTemplate<String, byte[]> kafka;
    private final Duration publishTimeout;

    public JobRecordListener(JobCodec codec, JobValidator validator, JobExecutor executor,
            KafkaTemplate<String, byte[]> kafka, Duration publishTimeout) {
        this.codec = codec;
        this.validator = validator;
        this.executor = executor;
        this.kafka = kafka;
        this.publishTimeout = publishTimeout;
    }

    @KafkaListener(id = "kiff-jobs", groupId = Topics.WORKER_GROUP, topics = "#{@workerJobTopics}",
            concurrency = "${kiff.worker.concurrency}")
    public void onJob(ConsumerRecord<String, byte[]> record) {
        parseOrDeadLetter(record).ifPresent(executor::execute);
    }

    /**
     * The platform could not run the job within its delivery attempts: it ends in ERROR with {@code reason}. A record
     * that cannot even be parsed goes to the dead-letter topic instead.
     */
    public void giveUp(ConsumerRecord<String, byte[]> record, String reason) {
        parseOrDeadLetter(record).ifPresent(job -> executor.giveUp(job, reason));
    }

    /** The record's job, or empty when it is not one: then it is on the dead-letter topic with the reason. */
    private Optional<Job> parseOrDeadLetter(ConsumerRecord<String, byte[]> record) {
        try {
            JobMessage message = codec.readMessage(record.value());
            return Optional.of(validator.validate(message, fallbackId(record),
                    Instant.ofEpochMilli(record.timestamp())));
        } catch (InvalidJobException e) {
            deadLetter(record, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The id of a job whose message names none: the record key when it is a UUID (the contract keys job records by
     * id), otherwise one derived from the record's position, so that a redelivery of the record is the same job.
     */
    static UUID fallbackId(ConsumerRecord<String, byte[]> record) {
        if (record.key() != null) {
            try {
                return UUID.fromString(record.key());
            } catch (IllegalArgumentException notAUuid) {
                // fall through to the position
            }
        }
        String position = record.topic() + "/" + record.partition() + "/" + record.offset();
        return UUID.nameUUIDFromBytes(position.getBytes(StandardCharsets.UTF_8));
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        log.warn("Job record {}-{}@{} (key {}) refused, sent to {}: {}", record.topic(), record.partition(),
                record.offset(), record.key(), Topics.DEAD_LETTERS, reason);
        ProducerRecord<String, byte[]> dead = new ProducerRecord<>(Topics.DEAD_LETTERS, null, record.key(),
                record.value());
        dead.headers().add(Topics.REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        dead.headers().add("kiff-original-topic", record.topic().getBytes(StandardCharsets.UTF_8));
        dead.headers().add("kiff-original-partition",
                String.valueOf(record.partition()).getBytes(StandardCharsets.UTF_8));
        dead.headers().add("kiff-original-offset", String.valueOf(record.offset()).getBytes(StandardCharsets.UTF_8));
        BrokerAcknowledgement.send(() -> kafka.send(dead), publishTimeout, "a dead-letter record");
    }
}
