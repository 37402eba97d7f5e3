package dev.kiff.api;

import dev.kiff.api.events.LiveEvents;
import dev.kiff.core.gateway.ArtifactStore;
import dev.kiff.core.session.SessionEventPublisher;
import dev.kiff.core.session.SessionStore;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.output.LogStore;
import dev.kiff.core.port.JobRepository;
import dev.kiff.testkit.SharedInfrastructure;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What the API's integration tests of results delivery share: the API on a random port against the real broker
 * and database, and what a {@link StandInWorker} needs to move jobs as a worker would.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class ApiIntegrationTest {

    @Value("${local.server.port}")
    int port;
    @Autowired
    DataSource dataSource;
    @Autowired
    JobRepository jobs;
    @Autowired
    LogStore logs;
    @Autowired
    KafkaTemplate<String, byte[]> kafka;
    @Autowired
    JobCodec codec;
    @Autowired
    Clock clock;
    @Autowired
    LiveEvents live;
    @Autowired
    SessionStore sessionStore;
    @Autowired
    SessionEventPublisher sessionEvents;
    @Autowired
    ArtifactStore artifacts;

    @DynamicPropertySource
    static void infra(DynamicPropertyRegistry registry) {
        SharedInfrastructure.springProperties().forEach((key, value) -> registry.add(key, () -> value));
    }

    StandInWorker standInWorker() {
        return new StandInWorker(jobs, logs, kafka, codec, clock);
    }

    /** What a {@link StandInSessionWorker} needs of this context. */
    StandInSessionWorker.Kit sessionKit() {
        return new StandInSessionWorker.Kit(SharedInfrastructure.kafka().bootstrapServers(), sessionStore,
                standInWorker(), jobs, artifacts, sessionEvents, kafka, codec, clock);
    }
}
