package dev.kiff.worker.kafka;

import dev.kiff.core.exec.RunMetrics;
import dev.kiff.core.exec.RunMetrics.RecordRefusal;
import dev.kiff.core.exec.RunMetrics.RecordSource;
import dev.kiff.core.job.JobValidator;
import dev.kiff.core.pool.WarmPool;
import dev.kiff.core.session.SessionHandle;
import dev.kiff.core.session.SessionOpener;
import dev.kiff.core.session.SessionRegistry;
import dev.kiff.core.session.SessionRunner;
import dev.kiff.core.topic.Topics;
import dev.kiff.core.trust.RecordVerifier;
import dev.kiff.core.trust.RecordVerifier.Signer;
import dev.kiff.model.job.InvalidJobException;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobMessage;
import dev.kiff.model.json.JobCodec;
import dev.kiff.model.session.SessionOp;
import dev.kiff.model.session.SessionOpen;
import dev.kiff.model.session.SessionRef;
import dev.kiff.spring.BrokerAcknowledgement;
import dev.kiff.spring.DeadLetterRecord;
import dev.kiff.spring.KafkaRecordVerifier;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Where session records enter the worker: opens (from the job feed, with the sandbox it claimed) and the commands on
 * this worker's run topic (runs, file operations, closes). Only the platform (the API) may ask for either: a record
 * not signed with the platform key goes to the dead-letter topic with the reason and is never opened or run, whatever
 * it names. A command must also name the tenant of the session it is for.
 */
public class SessionRecordListener {

    private static final Logger log = LoggerFactory.getLogger(SessionRecordListener.class);

    static final String COMMANDS_REFUSED = "refused: session commands come from the API only";
    static final String OPENS_REFUSED = "refused: session opens come from the API only";

    private final JobCodec codec;
    private final RunMetrics metrics;
    private final JobValidator validator;
    private final RecordVerifier verifier;
    private final SessionOpener opener;
    private final SessionRunner runner;
    private final SessionRegistry registry;
    private final KafkaTemplate<String, byte[]> kafka;
    private final Duration publishTimeout;
    private final Duration retryBackoff;
    private final String workerId;

    /**
     * @param verifier     says who signed a record: only {@link Signer.Platform} is believed here
     * @param retryBackoff the pause before an open that failed is tried again; it doubles with each further try
     */
    public SessionRecordListener(JobCodec codec, JobValidator validator, RecordVerifier verifier,
            SessionOpener opener, SessionRunner runner, SessionRegistry registry, KafkaTemplate<String, byte[]> kafka,
            Duration publishTimeout, Duration retryBackoff, String workerId, RunMetrics metrics) {
        this.codec = codec;
        this.metrics = metrics;
        this.validator = validator;
        this.verifier = verifier;
        this.opener = opener;
        this.runner = runner;
        this.registry = registry;
        this.kafka = kafka;
        this.publishTimeout = publishTimeout;
        this.retryBackoff = retryBackoff;
        this.workerId = workerId;
    }

    /** One try at an open record, in the sandbox {@code reservation} claimed. */
    public JobRecordListener.Next open(ConsumerRecord<String, byte[]> record, WarmPool.Reservation reservation,
            int attempt) {
        Optional<String> refusal = refusal(record);
        if (refusal.isPresent()) {
            deadLetter(record, RecordRefusal.REFUSED, OPENS_REFUSED + " (" + refusal.get() + ")");
            return new JobRecordListener.Next.Done();
        }
        SessionOpen open;
        try {
            open = codec.readSessionOpen(record.value());
        } catch (RuntimeException e) {
            deadLetter(record, RecordRefusal.INVALID, "not a session open: " + JobRecordListener.rootMessage(e));
            return new JobRecordListener.Next.Done();
        }
        if (open.sessionId() == null || open.tenant() == null || open.limits() == null) {
            deadLetter(record, RecordRefusal.INVALID, "not a session open: it names no session, tenant or limits");
            return new JobRecordListener.Next.Done();
        }
        try {
            return switch (opener.open(open, reservation, attempt)) {
                case READY, DROPPED -> new JobRecordListener.Next.Done();
                case AGAIN -> new JobRecordListener.Next.Again(backoff(attempt), attempt + 1);
            };
        } catch (RuntimeException e) {
            log.error("Session(id={}) open failed on try {}, trying again: {}", open.sessionId(), attempt,
                    JobRecordListener.rootMessage(e));
            return new JobRecordListener.Next.Again(backoff(attempt), attempt + 1);
        }
    }

    /** A record of this worker's run topic: handed to the session's lane, or refused. Never blocks on a run. */
    public void command(ConsumerRecord<String, byte[]> record) {
        Optional<String> refusal = refusal(record);
        if (refusal.isPresent()) {
            deadLetter(record, RecordRefusal.REFUSED, COMMANDS_REFUSED + " (" + refusal.get() + ")");
            return;
        }
        JobMessage message;
        try {
            message = codec.readMessage(record.value());
        } catch (RuntimeException e) {
            deadLetter(record, RecordRefusal.INVALID, "not a session command: " + JobRecordListener.rootMessage(e));
            return;
        }
        SessionRef ref = message.session();
        if (ref == null || ref.id() == null || ref.op() == null) {
            deadLetter(record, RecordRefusal.INVALID, "not a session command: it names no session or operation");
            return;
        }
        Optional<SessionHandle> held = registry.find(ref.id());
        if (held.isPresent() && !held.get().tenant().equals(message.tenant())) {
            deadLetter(record, RecordRefusal.REFUSED, "refused: the command names tenant " + message.tenant() + ", Session(id=" + ref.id()
                    + ") is another tenant's");
            return;
        }
        if (ref.op() == SessionOp.CLOSE) {
            held.ifPresentOrElse(runner::close,
                    () -> log.debug("Session(id={}) closed, but it is not held here", ref.id()));
            return;
        }
        Job job;
        try {
            job = validator.validate(message, JobRecordListener.fallbackId(record),
                    Instant.ofEpochMilli(record.timestamp()));
        } catch (InvalidJobException e) {
            deadLetter(record, RecordRefusal.INVALID, e.getMessage());
            return;
        }
        if (held.isEmpty()) {
            log.warn("Job(id={}) is for Session(id={}), which worker {} does not hold (it ended)", job.id(),
                    ref.id(), workerId);
            runner.orphan(job, "session " + ref.id() + " is not held by worker " + workerId + " any more");
            return;
        }
        log.debug("Job(id={}) of Session(id={}) taken ({})", job.id(), ref.id(), ref.op());
        runner.submit(held.get(), job, ref);
    }

    /** Why the record is not the platform's, or empty when it is. */
    private Optional<String> refusal(ConsumerRecord<String, byte[]> record) {
        Signer signer = verifier.check(record.topic(), record.key(), record.value(),
                KafkaRecordVerifier.signatureHeader(record));
        if (signer instanceof Signer.Platform) {
            return Optional.empty();
        }
        if (signer instanceof Signer.Tenant tenant) {
            return Optional.of("signed by tenant " + tenant.id() + ", not the platform");
        }
        return Optional.of(((Signer.Refused) signer).reason());
    }

    private Duration backoff(int attempt) {
        return retryBackoff.multipliedBy(1L << Math.min(attempt - 1, 10));
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, RecordRefusal refusal, String reason) {
        metrics.recordDeadLettered(RecordSource.SESSIONS, refusal);
        log.warn("Session record {}-{}@{} (key {}) refused, sent to {}: {}", record.topic(), record.partition(),
                record.offset(), record.key(), Topics.DEAD_LETTERS, reason);
        BrokerAcknowledgement.send(() -> kafka.send(DeadLetterRecord.of(record, reason)), publishTimeout,
                "a dead-letter record");
    }
}
