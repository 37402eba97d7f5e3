package dev.kiff.worker.kafka;

import dev.kiff.core.exec.Execution;
import dev.kiff.core.exec.JobExecutor;
import dev.kiff.core.exec.RunMetrics;
import dev.kiff.core.exec.RunMetrics.RecordRefusal;
import dev.kiff.core.exec.RunMetrics.RecordSource;
import dev.kiff.core.health.DependencyHealth;
import dev.kiff.model.failure.PermanentFailure;
import dev.kiff.model.failure.TransientFailure;
import dev.kiff.core.port.SandboxRuntime;
import dev.kiff.model.job.InvalidJobException;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobMessage;
import dev.kiff.core.job.JobValidator;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.topic.Topics;
import dev.kiff.core.trust.JobRecordClaims;
import dev.kiff.core.trust.RecordVerifier.Signer;
import dev.kiff.spring.BrokerAcknowledgement;
import dev.kiff.spring.DeadLetterRecord;
import dev.kiff.spring.KafkaRecordVerifier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Where a job record enters the worker: check who produced it ({@link JobRecordClaims}: a record that cannot prove
 * the tenant it names runs as nobody), parse and validate it (a record that fails any of this goes to the
 * dead-letter topic with the reason, and the worker moves on), then hand the job to the {@link JobExecutor}, and say
 * what the {@link KafkaJobFeed} should do with the record next: it is done (its offset may be committed), or it should
 * be handled again after a pause — a platform failure to retry, or a job another live worker still runs.
 */
public class JobRecordListener {

    private static final Logger log = LoggerFactory.getLogger(JobRecordListener.class);

    private final JobCodec codec;
    private final JobValidator validator;
    private final JobExecutor executor;
    private final KafkaTemplate<String, byte[]> kafka;
    private final Duration publishTimeout;
    private final int maxAttempts;
    private final Duration retryBackoff;
    private final Duration lease;
    private final JobRecordClaims claims;
    private final RunMetrics metrics;
    private final DependencyHealth health;

    /**
     * @param maxAttempts  how often a job the platform failed to run is tried before it ends in ERROR
     * @param retryBackoff the pause before the first retry; it doubles with each further one
     * @param lease        how long a running job's lease lasts: a job running elsewhere is looked at again after it
     * @param claims       whether a record may run as the tenant it names
     * @param health       whether the database and the sandbox engine answer: a try that fails while one does not
     *                     is no try of the job's, only a pause
     */
    public JobRecordListener(JobCodec codec, JobValidator validator, JobExecutor executor,
            KafkaTemplate<String, byte[]> kafka, Duration publishTimeout, int maxAttempts, Duration retryBackoff,
            Duration lease, JobRecordClaims claims, DependencyHealth health, RunMetrics metrics) {
        this.claims = claims;
        this.metrics = metrics;
        this.health = health;
        this.codec = codec;
        this.validator = validator;
        this.executor = executor;
        this.kafka = kafka;
        this.publishTimeout = publishTimeout;
        this.maxAttempts = maxAttempts;
        this.retryBackoff = retryBackoff;
        this.lease = lease;
    }

    /** What to do with a record after one try. */
    public sealed interface Next {
        /** Finished: its job has a stored, published result, or it went to the dead-letter topic. */
        record Done() implements Next {
        }

        /** Handle it again after {@code delay}, as try number {@code attempt}. */
        record Again(Duration delay, int attempt) implements Next {
        }
    }

    /**
     * One try at the record's job, in {@code runtime} (a claimed warm sandbox, or the pool).
     *
     * @param attempt 1 for the first try of this delivery
     */
    public Next handle(ConsumerRecord<String, byte[]> record, SandboxRuntime runtime, int attempt) {
        Optional<Job> parsed = parseOrDeadLetter(record);
        if (parsed.isEmpty()) {
            return new Next.Done();
        }
        Job job = parsed.get();
        try {
            Execution execution = executor.execute(job, runtime);
            if (execution instanceof Execution.Requeued) {
                // Its code failed and it asked for another run: after a back-off, as a platform failure would be.
                return new Next.Again(backoff(attempt), attempt + 1);
            }
            if (execution instanceof Execution.HeldElsewhere) {
                return new Next.Again(lease, attempt);
            }
            return new Next.Done(); // Execution.Ended
        } catch (PermanentFailure e) {
            return giveUp(job, e.getMessage(), attempt);
        } catch (RuntimeException e) {
            String reason = rootMessage(e);
            if (!health.recheck()) {
                // An outage, not this job's failure: the try counts for nothing, and the feed starts it again only
                // once the database and the engine answer (the outage itself is logged once, by the health).
                log.debug("Job(id={}) waits out an outage: {}", job.id(), reason);
                return new Next.Again(retryBackoff, attempt);
            }
            // The job's own attempts are counted where it runs (the executor dead-letters it when they are used
            // up); this cap only stops a record that fails before any run, such as while the database is away.
            int tries = Math.max(maxAttempts, job.retry().maxAttempts() + 1);
            if (attempt >= tries) {
                return giveUp(job, reason, attempt);
            }
            Duration delay = backoff(attempt);
            log.warn("Job(id={}) failed try {} of {} on the platform, trying again in {} ms: {}", job.id(), attempt,
                    tries, delay.toMillis(), reason);
            return new Next.Again(delay, attempt + 1);
        }
    }

    private Duration backoff(int attempt) {
        return retryBackoff.multipliedBy(1L << Math.min(attempt - 1, 10));
    }

    private Next giveUp(Job job, String reason, int attempt) {
        try {
            executor.giveUp(job, reason);
            return new Next.Done();
        } catch (RuntimeException e) {
            // Not even the failure could be stored (the database is away): keep the record, try again later.
            log.error("Job(id={}) could not be ended in ERROR ({}); keeping its record: {}", job.id(), reason,
                    rootMessage(e));
            return new Next.Again(retryBackoff.multipliedBy(10), attempt);
        }
    }

    static String rootMessage(Throwable exception) {
        Throwable cause = exception;
        while (cause.getCause() != null && cause.getCause() != cause && !(cause instanceof TransientFailure)) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }

    /** The record's job, or empty when it is not one: then it is on the dead-letter topic with the reason. */
    private Optional<Job> parseOrDeadLetter(ConsumerRecord<String, byte[]> record) {
        // Before anything of the record is believed: an unproven one is never stored, run or followed by a webhook.
        Signer signer = claims.signer(record.topic(), record.key(), record.value(),
                KafkaRecordVerifier.signatureHeader(record));
        if (signer instanceof Signer.Refused refused) {
            deadLetter(record, RecordRefusal.REFUSED, "refused: " + refused.reason());
            return Optional.empty();
        }
        try {
            JobMessage message = codec.readMessage(record.value());
            if (signer instanceof Signer.Tenant tenant && message.tenant() == null) {
                message = withTenant(message, tenant.id()); // a tenant's own record names it by its key
            }
            Job job = validator.validate(message, fallbackId(record), Instant.ofEpochMilli(record.timestamp()));
            Optional<String> refusal = claims.refusal(signer, job);
            if (refusal.isPresent()) {
                deadLetter(record, RecordRefusal.REFUSED, "refused: " + refusal.get());
                return Optional.empty();
            }
            return Optional.of(job);
        } catch (InvalidJobException e) {
            deadLetter(record, RecordRefusal.INVALID, e.getMessage());
            return Optional.empty();
        }
    }

    private static JobMessage withTenant(JobMessage m, String tenant) {
        return new JobMessage(m.v(), m.id(), tenant, m.vmType(), m.language(), m.code(), m.stdin(), m.env(),
                m.files(), m.limits(), m.submittedAt(), m.batchId(), m.callbackUrl(), m.retry());
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

    private void deadLetter(ConsumerRecord<String, byte[]> record, RecordRefusal refusal, String reason) {
        metrics.recordDeadLettered(RecordSource.JOBS, refusal);
        log.warn("Job record {}-{}@{} (key {}) refused, sent to {}: {}", record.topic(), record.partition(),
                record.offset(), record.key(), Topics.DEAD_LETTERS, reason);
        ProducerRecord<String, byte[]> dead = DeadLetterRecord.of(record, reason);
        BrokerAcknowledgement.send(() -> kafka.send(dead), publishTimeout, "a dead-letter record");
    }
}
