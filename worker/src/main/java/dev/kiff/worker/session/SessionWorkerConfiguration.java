package dev.kiff.worker.session;

import dev.kiff.core.exec.RunMetrics;
import dev.kiff.core.exec.JobExecutor;
import dev.kiff.core.job.JobValidator;
import dev.kiff.core.pool.WarmPool;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.port.ResultPublisher;
import dev.kiff.core.session.SessionEventPublisher;
import dev.kiff.core.session.SessionKeeper;
import dev.kiff.core.session.SessionOpener;
import dev.kiff.core.session.SessionRegistry;
import dev.kiff.core.session.SessionRunner;
import dev.kiff.core.session.SessionStore;
import dev.kiff.core.topic.Topics;
import dev.kiff.core.trust.RecordVerifier;
import dev.kiff.model.json.JobCodec;
import dev.kiff.model.trust.SigningKey;
import dev.kiff.persistence.JooqJobRepository;
import dev.kiff.persistence.JooqSessionStore;
import dev.kiff.spring.KafkaSessionEventPublisher;
import dev.kiff.spring.TopicProperties;
import dev.kiff.worker.WorkerProperties;
import dev.kiff.worker.kafka.KafkaSessionFeed;
import dev.kiff.worker.kafka.SessionRecordListener;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.jooq.DSLContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The worker's side of sessions: it takes opens with its job feed, reads its own run topic, runs each session's
 * commands on the session's lane through the job executor, and keeps its sessions (expiry, lease, sweep).
 */
@Configuration(proxyBeanMethods = false)
public class SessionWorkerConfiguration {

    /** How long a session run topic keeps a command: a command older than this is for a session long ended. */
    static final Duration RUN_TOPIC_RETENTION = Duration.ofHours(1);

    /** The largest command on a run topic: a file upload of up to 4 MiB, base64, in a job message. */
    static final int RUN_TOPIC_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

    @Bean
    SessionStore sessionStore(DSLContext db, JobCodec codec, Clock clock) {
        return new JooqSessionStore(db, new JooqJobRepository(db, codec, clock));
    }

    @Bean
    SessionEventPublisher sessionEventPublisher(KafkaTemplate<String, byte[]> kafka, JobCodec codec) {
        return new KafkaSessionEventPublisher(kafka, codec);
    }

    @Bean
    SessionRegistry sessionRegistry(WarmPool pool) {
        return new SessionRegistry(pool);
    }

    @Bean
    SessionKeeper sessionKeeper(SessionRegistry registry, SessionStore store, JobRepository jobs,
            ResultPublisher results, SessionEventPublisher events, Clock clock, WorkerProperties worker) {
        return new SessionKeeper(registry, store, jobs, results, events, clock, worker.id(),
                worker.sessionRenewInterval());
    }

    /** One thread per session the worker may hold: a session's long run never waits behind another session's. */
    @Bean(destroyMethod = "shutdownNow")
    ExecutorService sessionLanes(WorkerProperties worker) {
        AtomicInteger threads = new AtomicInteger();
        return Executors.newFixedThreadPool(worker.maxSessions(), r -> {
            Thread thread = new Thread(r, "kiff-session-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Bean
    SessionRunner sessionRunner(JobExecutor executor, JobRepository jobs, SessionStore store, SessionKeeper keeper,
            SessionRegistry registry, Clock clock, ExecutorService sessionLanes) {
        return new SessionRunner(executor, jobs, store, keeper, registry, clock, sessionLanes);
    }

    @Bean
    SessionOpener sessionOpener(SessionStore store, SessionRegistry registry, SessionKeeper keeper, WarmPool pool,
            Clock clock, WorkerProperties worker) {
        return new SessionOpener(store, registry, keeper, pool, clock, worker.id(), Topics.sessionRuns(worker.id()),
                worker.lease(), worker.sessionInterruptGrace(), worker.maxDeliveryAttempts());
    }

    /** Session opens and commands are believed only when the platform signed them: no tenant key counts here. */
    @Bean
    SessionRecordListener sessionRecordListener(JobCodec codec, JobValidator validator, SigningKey platformRecordKey,
            SessionOpener opener, SessionRunner runner, SessionRegistry registry, KafkaTemplate<String, byte[]> kafka,
            WorkerProperties worker, RunMetrics metrics) {
        return new SessionRecordListener(codec, validator, new RecordVerifier(platformRecordKey, null), opener,
                runner, registry, kafka, worker.resultPublishTimeout(), worker.retryBackoff(), worker.id(), metrics);
    }

    /** This worker's run topic, created with the app's other topics before any feed starts. */
    @Bean
    NewTopic sessionRunTopic(WorkerProperties worker, TopicProperties topics) {
        return TopicBuilder.name(Topics.sessionRuns(worker.id())).partitions(1)
                .replicas(topics.replicationFactor())
                .config(TopicConfig.RETENTION_MS_CONFIG, Long.toString(RUN_TOPIC_RETENTION.toMillis()))
                .config(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(RUN_TOPIC_MAX_MESSAGE_BYTES))
                .build();
    }

    @Bean
    KafkaSessionFeed kafkaSessionFeed(ConsumerFactory<String, byte[]> consumers, SessionRecordListener listener,
            WorkerProperties worker, NewTopic sessionRunTopic) {
        Properties overrides = new Properties();
        overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        overrides.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
        overrides.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                Integer.toString(RUN_TOPIC_MAX_MESSAGE_BYTES + 1024 * 1024));
        // A run is waited for by a client: a command is handed on as soon as the broker has it.
        overrides.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        return new KafkaSessionFeed(() -> consumers.createConsumer(null, worker.id() + "-sessions", null, overrides),
                sessionRunTopic.name(), listener, Duration.ofMillis(500));
    }

    @Bean
    SessionSweep sessionSweep(SessionKeeper keeper) {
        return new SessionSweep(keeper);
    }
}
