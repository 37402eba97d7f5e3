package dev.kiff.api.session;

import dev.kiff.api.ApiProperties;
import dev.kiff.api.events.LiveEvents;
import dev.kiff.api.events.OpenStreams;
import dev.kiff.api.events.SessionEventStream;
import dev.kiff.api.kafka.KafkaSessionCommandPublisher;
import dev.kiff.api.results.ResultAwait;
import dev.kiff.core.gateway.ArtifactStore;
import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.port.ResultPublisher;
import dev.kiff.core.session.SessionCommandPublisher;
import dev.kiff.core.session.SessionEventPublisher;
import dev.kiff.core.session.SessionHistory;
import dev.kiff.core.session.SessionService;
import dev.kiff.core.session.SessionStore;
import dev.kiff.core.session.SessionSupervisor;
import dev.kiff.core.topic.Topics;
import dev.kiff.model.json.JobCodec;
import dev.kiff.persistence.JooqJobRepository;
import dev.kiff.persistence.JooqSessionHistory;
import dev.kiff.persistence.JooqSessionStore;
import dev.kiff.spring.BackgroundLoops;
import dev.kiff.spring.ControlTopicTail;
import dev.kiff.spring.KafkaConnection;
import dev.kiff.spring.KafkaRecordVerifier;
import dev.kiff.spring.KafkaSessionEventPublisher;
import dev.kiff.spring.TickLoop;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.jooq.DSLContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

/** The API's side of agent sessions: the store, the service, the supervisor's loop, the Kafka adapters. */
@Configuration(proxyBeanMethods = false)
public class SessionConfiguration {

    @Bean
    SessionStore sessionStore(DSLContext db, JobCodec codec, Clock clock) {
        return new JooqSessionStore(db, new JooqJobRepository(db, codec, clock));
    }

    @Bean
    SessionCommandPublisher sessionCommandPublisher(KafkaTemplate<String, byte[]> kafka, JobCodec codec,
            ApiProperties properties) {
        return new KafkaSessionCommandPublisher(kafka, codec, properties.publishTimeout());
    }

    @Bean
    SessionEventPublisher sessionEventPublisher(KafkaTemplate<String, byte[]> kafka, JobCodec codec) {
        return new KafkaSessionEventPublisher(kafka, codec);
    }

    @Bean
    SessionService sessionService(VmTypeCatalogue catalogue, SessionStore store, JobRepository jobs,
            SessionCommandPublisher commands, SessionEventPublisher events, JobCodec codec,
            SessionProperties properties, Clock clock) {
        return new SessionService(catalogue, store, jobs, commands, events, codec, properties.settings(), clock);
    }

    @Bean
    SessionSupervisor sessionSupervisor(SessionStore store, JobRepository jobs, ResultPublisher results,
            SessionEventPublisher events, SessionProperties properties, Clock clock) {
        return new SessionSupervisor(store, jobs, results, events, properties.settings(), clock);
    }

    @Bean
    TickLoop sessionSupervisorTicks(SessionSupervisor supervisor, SessionProperties properties) {
        return new TickLoop("kiff-session-supervisor", "session supervision", properties.tick(), supervisor::tick);
    }

    @Bean
    SessionFiles sessionFiles(SessionService sessions, ResultAwait results, ArtifactStore artifacts) {
        return new SessionFiles(sessions, results, artifacts);
    }

    @Bean(destroyMethod = "close")
    SessionWaiters sessionWaiters(SessionStore store, SessionProperties properties) {
        // Not a bean of its own: the API's executors are injected by name, and one more would only add ambiguity.
        ScheduledExecutorService reads = Executors.newScheduledThreadPool(2,
                BackgroundLoops.daemonThreads("kiff-session-wait"));
        return new SessionWaiters(store, reads, properties.createRecheck());
    }

    @Bean
    SessionHistory sessionHistory(DSLContext db, JobCodec codec, Clock clock) {
        return new JooqSessionHistory(db, new JooqJobRepository(db, codec, clock));
    }

    @Bean
    SessionEventStream sessionEventStream(SessionService sessions, SessionHistory history, LiveEvents live,
            OpenStreams streams) {
        return new SessionEventStream(sessions, history, live, streams);
    }

    /**
     * Every session move, from this instance's start on, for the creates waiting here and the session event streams
     * open here: a tail of the whole topic without a consumer group, believing only platform-signed records.
     */
    @Bean
    ControlTopicTail sessionEventTail(KafkaConnection kafka, SessionWaiters waiters, LiveEvents live, JobCodec codec,
            KafkaRecordVerifier verifier) {
        return ControlTopicTail.commands(kafka, Topics.SESSION_EVENTS, new SessionEventListener(waiters, live, codec),
                verifier);
    }
}
