package dev.kiff.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.core.pool.WarmPool;
import dev.kiff.core.session.SessionEventPublisher;
import dev.kiff.core.session.SessionRecord;
import dev.kiff.core.session.SessionService;
import dev.kiff.core.session.SessionSettings;
import dev.kiff.core.session.SessionStore;
import dev.kiff.core.topic.Topics;
import dev.kiff.model.control.WorkerState;
import dev.kiff.model.job.VmType;
import dev.kiff.model.session.SessionState;
import dev.kiff.testkit.SharedInfrastructure;
import dev.kiff.testkit.TopicRecorder;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A session's sandbox counts against the worker's capacity and shows in its reports, and a worker at
 * {@code kiff.worker.max-sessions} takes no further open, even with idle sandboxes: the open waits in Kafka for a
 * worker with room (here, until the first session ends), so jobs keep the rest of the capacity.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "kiff.worker.vm-types=code-exec",
        "kiff.worker.initial-target=1",
        "kiff.worker.capacity=3",
        "kiff.worker.max-sessions=1",
        "kiff.worker.state-publish-interval=200ms"})
class SessionCapacityIT extends WorkerIntegrationTest {

    private static TopicRecorder states;

    @Autowired
    SessionStore store;
    @Autowired
    SessionEventPublisher events;
    @Autowired
    VmTypeCatalogue catalogue;
    @Autowired
    WarmPool pool;
    @Autowired
    WorkerProperties worker;
    @Autowired
    Clock clock;

    @AfterAll
    static void closeStates() {
        if (states != null) {
            states.close();
            states = null;
        }
    }

    @Test
    void aWorkerAtItsMaximumOfSessionsLeavesTheNextOpenInKafkaAndReportsItsSessions() {
        SessionService sessions = new SessionService(catalogue, store, jobs, new SessionMessages(kafka, codec), events,
                codec, SessionSettings.DEFAULT, clock);
        String tenant = "t" + UUID.randomUUID().toString().substring(0, 8);
        UUID first = sessions.create(SessionMessages.session(VmType.CODE_EXEC), tenant, null).id();
        await().atMost(JOB_DEADLINE).until(() -> state(first) == SessionState.READY);
        await().atMost(JOB_DEADLINE).untilAsserted(() -> assertThat(latestState().sessions()).isEqualTo(1));
        await("an idle sandbox behind the session").atMost(JOB_DEADLINE)
                .until(() -> pool.available(VmType.CODE_EXEC) > 0);

        UUID second = sessions.create(SessionMessages.session(VmType.CODE_EXEC), tenant, null).id();

        // Idle sandboxes there are, but no room for a second session: its open stays in Kafka.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30))
                .until(() -> state(second) == SessionState.CREATING);
        assertThat(pool.available(VmType.CODE_EXEC)).isPositive();
        sessions.delete(first, tenant);
        await().atMost(JOB_DEADLINE).until(() -> state(second) == SessionState.READY);
        SessionRecord taken = store.find(second).orElseThrow();
        assertThat(taken.readyAt()).as("opened only once the first had ended")
                .isAfter(store.find(first).orElseThrow().endedAt());
        sessions.delete(second, tenant);
    }

    private SessionState state(UUID id) {
        return store.find(id).orElseThrow().state();
    }

    private WorkerState latestState() {
        var records = states().recordsWithKey(worker.id());
        return codec.readWorkerState(records.get(records.size() - 1).value());
    }

    private static synchronized TopicRecorder states() {
        if (states == null) {
            states = new TopicRecorder(SharedInfrastructure.kafka().bootstrapServers(), Topics.WORKER_STATES);
        }
        return states;
    }
}
