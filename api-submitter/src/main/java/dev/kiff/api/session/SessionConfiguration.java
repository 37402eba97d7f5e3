package dev.kiff.api.session;

import dev.kiff.api.ApiProperties;
import dev.kiff.api.kafka.KafkaSessionCommandPublisher;
import dev.kiff.spring.KafkaSessionEventPublisher;
import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.port.ResultPublisher;
import dev.kiff.core.session.SessionCommandPublisher;
import dev.kiff.core.session.SessionEventPublisher;
import dev.kiff.core.session.SessionService;
import dev.kiff.core.session.SessionStore;
import dev.kiff.core.session.SessionSupervisor;
import dev.kiff.model.json.JobCodec;
import dev.kiff.persistence.JooqJobRepository;
import dev.kiff.persistence.JooqSessionStore;
import dev.kiff.spring.BackgroundLoops;
import dev.kiff.spring.TickLoop;
import java.time.Clock;
import java.time.Duration;
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
    SessionEventPublisher sessionEventPublisher(KafkaTemplate<String, byte[]> kafka, JobCodec codec,
            ApiProperties properties) {
        return new KafkaSessionEventPublisher(kafka, codec, properties.publishTimeout());
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

    @Bean(destroyMethod = "close")
    SessionWaiters sessionWaiters(SessionStore store) {
        // Not a bean of its own: the API's executors are injected by name, and one more would only add ambiguity.
        ScheduledExecutorService polls = Executors.newScheduledThreadPool(1,
                BackgroundLoops.daemonThreads("kiff-session-wait"));
        // Creating from a warm sandbox takes tens of milliseconds: a short period keeps the answer close to READY.
        return new SessionWaiters(store, polls, Duration.ofMillis(20));
    }
}
