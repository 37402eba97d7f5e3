package dev.kiff.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.core.gateway.Artifact;
import dev.kiff.core.gateway.ArtifactStore;
import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.core.pool.WarmPool;
import dev.kiff.core.port.JobRecord;
import dev.kiff.core.session.SessionEventPublisher;
import dev.kiff.core.session.SessionKeeper;
import dev.kiff.core.session.SessionRecord;
import dev.kiff.core.session.SessionRegistry;
import dev.kiff.core.session.SessionService;
import dev.kiff.core.session.SessionSettings;
import dev.kiff.core.session.SessionStore;
import dev.kiff.core.topic.Topics;
import dev.kiff.model.job.DisplayItem;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.VmType;
import dev.kiff.model.session.SessionEvent;
import dev.kiff.model.session.SessionOp;
import dev.kiff.model.session.SessionRef;
import dev.kiff.model.session.SessionState;
import dev.kiff.model.trust.RecordSignature;
import dev.kiff.model.trust.SigningKey;
import dev.kiff.testkit.SharedInfrastructure;
import dev.kiff.testkit.TopicRecorder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The worker's side of sessions against the real broker, database and Docker engine, driven as the API drives it:
 * through {@link SessionService} (the API's own domain code), whose opens and commands go out platform-signed. The
 * worker takes an open from a warm sandbox, runs each command in the session's resident kernel through the job
 * executor (results, display items, artifacts as any job's), and keeps the session: idle expiry, close, a killed
 * kernel, a restart, a cancellation, and commands nobody but the platform may send.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "kiff.worker.vm-types=code-exec,data-processing",
        "kiff.worker.initial-target=1",
        "kiff.worker.capacity=6",
        "kiff.worker.max-sessions=4",
        "kiff.worker.session-renew-interval=1s"})
class SessionWorkerIT extends WorkerIntegrationTest {

    private static final Duration SESSION_DEADLINE = Duration.ofSeconds(90);
    private static final SecureRandom RANDOM = new SecureRandom();

    private static TopicRecorder events;

    @Autowired
    SessionStore store;
    @Autowired
    SessionRegistry registry;
    @Autowired
    SessionKeeper keeper;
    @Autowired
    SessionEventPublisher eventPublisher;
    @Autowired
    VmTypeCatalogue catalogue;
    @Autowired
    ArtifactStore artifacts;
    @Autowired
    WarmPool pool;
    @Autowired
    WorkerProperties worker;
    @Autowired
    Clock clock;

    private SessionService sessions;
    private String tenant;

    @BeforeEach
    void asTheApi() {
        sessions = new SessionService(catalogue, store, jobs, new SessionMessages(kafka, codec), eventPublisher, codec,
                SessionSettings.DEFAULT, clock);
        tenant = "t" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterAll
    static void closeEvents() {
        if (events != null) {
            events.close();
            events = null;
        }
    }

    @Test
    void opensFromAWarmSandboxAndReportsReady() {
        await().atMost(SESSION_DEADLINE).until(() -> pool.available(VmType.CODE_EXEC) > 0);

        UUID id = sessions.create(SessionMessages.session(VmType.CODE_EXEC), tenant, null).id();

        SessionRecord ready = awaitState(id, SessionState.READY);
        assertThat(ready.workerId()).isEqualTo(worker.id());
        assertThat(ready.runTopic()).isEqualTo(Topics.sessionRuns(worker.id()));
        assertThat(registry.find(id)).as("held here").isPresent();
        assertThat(pool.sessions()).isGreaterThanOrEqualTo(1);
        assertThat(pool.status().stream().mapToInt(s -> s.sessions()).sum()).isEqualTo(pool.sessions());
        await().atMost(SESSION_DEADLINE).untilAsserted(() -> assertThat(events(id))
                .extracting(SessionEvent::state, SessionEvent::workerId)
                .contains(org.assertj.core.groups.Tuple.tuple(SessionState.READY, worker.id())));
        await("the pool refills behind the session").atMost(SESSION_DEADLINE)
                .until(() -> pool.available(VmType.CODE_EXEC) > 0);
        sessions.delete(id, tenant);
    }

    @Test
    void runEndsWithDisplayAndIdle() {
        UUID id = ready(SessionMessages.session(VmType.CODE_EXEC));

        JobResult first = run(id, SessionMessages.python("import os\nx = 41\nprint(os.environ['SESSION_TEST'])"));
        assertThat(sessionState(id)).isEqualTo(SessionState.IDLE);
        JobResult second = run(id, SessionMessages.python("print('before')\nx + 1"));

        assertThat(first.status()).as(first.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(first.stdout()).as("the open's environment").isEqualTo("from-the-open\n");
        assertThat(second.status()).as(second.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(second.stdout()).isEqualTo("before\n");
        assertThat(second.sessionId()).isEqualTo(id);
        assertThat(second.display()).extracting(DisplayItem::mimeType, DisplayItem::text)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("text/plain", "42"));
        JobResult published = awaitPublishedResults(second.id().toString()).get(0);
        assertThat(published.display()).extracting(DisplayItem::text).containsExactly("42");
        assertThat(store.find(id).orElseThrow().runs()).isEqualTo(2);
        sessions.delete(id, tenant);
    }

    @Test
    void aPlotComesBackAsAPngArtifact() {
        UUID id = ready(SessionMessages.session(VmType.DATA_PROCESSING));

        JobResult plot = run(id, SessionMessages.python("""
                import matplotlib.pyplot as plt
                plt.plot([1, 2, 3], [4, 1, 9])
                plt.show()
                """));

        assertThat(plot.status()).as(plot.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(plot.display()).extracting(DisplayItem::mimeType, DisplayItem::artifact)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("image/png", "display/1.png"));
        Artifact png = artifacts.find(plot.id(), "display/1.png").orElseThrow();
        assertThat(Arrays.copyOf(png.content(), 4)).isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        assertThat(plot.display().get(0).bytes()).isEqualTo(png.content().length);
        sessions.delete(id, tenant);
    }

    @Test
    void filesPutGetList() {
        UUID id = ready(SessionMessages.session(VmType.CODE_EXEC));

        JobResult put = awaitTerminal(sessions.putFile(id, tenant, "data/in.csv",
                "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8)).id().toString());
        JobResult changed = run(id, SessionMessages.python(
                "open('data/out.csv', 'w').write(open('data/in.csv').read().upper())"));
        JobResult get = awaitTerminal(sessions.getFile(id, tenant, "data/out.csv").id().toString());
        JobResult list = awaitTerminal(sessions.listFiles(id, tenant).id().toString());

        assertThat(put.status()).as(put.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(changed.status()).as(changed.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(get.status()).as(get.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(artifacts.find(get.id(), "data/out.csv").map(a -> new String(a.content(), StandardCharsets.UTF_8)))
                .contains("A,B\n1,2\n");
        assertThat(list.display()).hasSize(1);
        assertThat(list.display().get(0).mimeType()).isEqualTo("application/json");
        assertThat(list.display().get(0).text()).contains("{\"path\":\"data/in.csv\",\"size\":8}")
                .contains("\"path\":\"data/out.csv\"");
        assertThat(sessionState(id)).isEqualTo(SessionState.IDLE);
        sessions.delete(id, tenant);
    }

    @Test
    void idleSessionExpiresAndItsContainerIsGone() {
        UUID id = ready(SessionMessages.idleFor(VmType.CODE_EXEC, 2_000));
        String container = registry.find(id).orElseThrow().sandbox().id();

        SessionRecord expired = awaitState(id, SessionState.EXPIRED);

        assertThat(expired.reason()).startsWith("idle for ");
        // Released right after the store's move.
        await().atMost(SESSION_DEADLINE).until(() -> registry.find(id).isEmpty());
        awaitContainerGone(container);
        await().atMost(SESSION_DEADLINE).untilAsserted(() -> assertThat(events(id))
                .extracting(SessionEvent::state).contains(SessionState.EXPIRED));
    }

    @Test
    void closeRemovesTheSandbox() {
        UUID id = ready(SessionMessages.session(VmType.CODE_EXEC));
        String container = registry.find(id).orElseThrow().sandbox().id();
        int held = pool.sessions();

        sessions.delete(id, tenant);

        awaitContainerGone(container);
        assertThat(registry.find(id)).isEmpty();
        await().atMost(SESSION_DEADLINE).until(() -> pool.sessions() == held - 1);
        assertThat(sessionState(id)).isEqualTo(SessionState.DELETED);
    }

    @Test
    void closeCancelsTheRunUnderWay() {
        UUID id = ready(SessionMessages.session(VmType.CODE_EXEC));
        Job run = sessions.run(id, tenant, SessionMessages.python("import time\ntime.sleep(60)"));
        awaitStatus(run.id(), JobStatus.RUNNING);

        sessions.delete(id, tenant);

        JobResult cancelled = awaitTerminal(run.id().toString());
        assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(cancelled.message()).isEqualTo("session deleted");
        await().atMost(SESSION_DEADLINE).until(() -> registry.find(id).isEmpty());
    }

    @Test
    void restartUnderTheSameNameEndsSessionsLost() {
        // What an earlier run of this worker (the same name) left in the store: a session it claimed and opened, busy
        // with a run; its sandbox went with that run, so this run of the worker does not hold it.
        SessionRecord creating = SessionRecord.creating(UUID.randomUUID(), tenant, VmType.CODE_EXEC,
                catalogue.policy(VmType.CODE_EXEC).defaults(), List.of(), List.of(), 60_000, 600_000, Instant.now());
        assertThat(store.create(creating, null, 5)).isEqualTo(SessionStore.Creation.CREATED);
        UUID id = creating.id();
        assertThat(store.claim(id, worker.id(), Topics.sessionRuns(worker.id()), Instant.now(), Instant.now()))
                .isTrue();
        assertThat(store.ready(id, worker.id(), Instant.now())).isTrue();
        Job run = new Job(UUID.randomUUID(), tenant, VmType.CODE_EXEC, dev.kiff.model.job.Language.PYTHON, "1", "",
                Map.of(), Map.of(), creating.limits(), Instant.now(), null, null,
                new dev.kiff.model.job.RetryPolicy(1, false));
        assertThat(store.startRun(id, tenant, run, SessionOp.RUN, null, Instant.now())).isPresent();

        keeper.sweep(); // as the worker's start does (SessionSweep), before any feed

        SessionRecord lost = store.find(id).orElseThrow();
        assertThat(lost.state()).isEqualTo(SessionState.LOST);
        assertThat(lost.reason()).isEqualTo("worker " + worker.id() + " restarted; the session's sandbox was removed");
        JobResult ended = awaitTerminal(run.id().toString());
        assertThat(ended.status()).as(ended.toString()).isEqualTo(JobStatus.ERROR);
        assertThat(awaitPublishedResults(run.id().toString())).extracting(JobResult::status)
                .contains(JobStatus.ERROR);
        await().atMost(SESSION_DEADLINE).untilAsserted(() -> assertThat(events(id))
                .extracting(SessionEvent::state, SessionEvent::reason)
                .contains(org.assertj.core.groups.Tuple.tuple(SessionState.LOST, lost.reason())));
    }

    @Test
    void refusesSessionRunsNotSignedByThePlatform() {
        UUID id = ready(SessionMessages.session(VmType.CODE_EXEC));
        SessionRecord session = store.find(id).orElseThrow();
        // A tenant with a producer key of its own: its signature is good, but not the platform's.
        tenants.create(new dev.kiff.core.tenant.Tenant(tenant, dev.kiff.core.tenant.Quotas.DEFAULT, "whsec_test",
                Instant.now()), dev.kiff.core.tenant.ApiKey.generate(RANDOM));
        String written = SigningKey.newProducerKey(tenant, RANDOM);
        producerKeys.put(tenant, written);

        Job unsigned = forgedRun(session, "print('unsigned')");
        Job tenantSigned = forgedRun(session, "print('tenant-signed')");
        try (KafkaProducer<String, byte[]> stranger = stranger()) {
            produce(stranger, session.runTopic(), id.toString(), command(unsigned, id), null);
            produce(stranger, session.runTopic(), id.toString(), command(tenantSigned, id),
                    SigningKey.producer(written));
        }

        for (Job forged : List.of(unsigned, tenantSigned)) {
            await().atMost(SESSION_DEADLINE).untilAsserted(() -> assertThat(reason(deadLetters().recordsWithKey(
                    id.toString()).stream().filter(r -> new String(r.value(), StandardCharsets.UTF_8)
                            .contains(forged.id().toString())).toList()))
                    .as("dead-letter reason").startsWith("refused: session commands come from the API only"));
        }
        // Signed by the platform but naming another tenant than the session's: refused too.
        Job otherTenants = forgedRun(session, "print('other tenant')");
        Job renamed = new Job(otherTenants.id(), "t-other", otherTenants.vmType(), otherTenants.language(),
                otherTenants.code(), otherTenants.stdin(), Map.of(), Map.of(), otherTenants.limits(),
                otherTenants.submittedAt(), null, null, otherTenants.retry());
        kafka.send(session.runTopic(), id.toString(), command(renamed, id));
        await().atMost(SESSION_DEADLINE).untilAsserted(() -> assertThat(reason(deadLetters().recordsWithKey(
                id.toString()).stream().filter(r -> new String(r.value(), StandardCharsets.UTF_8)
                        .contains(renamed.id().toString())).toList()))
                .as("dead-letter reason").contains("is another tenant's"));
        // The signed run after them is taken; the forged ones never ran.
        JobResult honest = run(id, SessionMessages.python("print('honest')"));
        assertThat(honest.stdout()).isEqualTo("honest\n");
        assertThat(status(unsigned.id())).isEqualTo(JobStatus.QUEUED);
        assertThat(status(tenantSigned.id())).isEqualTo(JobStatus.QUEUED);
        assertThat(status(otherTenants.id())).isEqualTo(JobStatus.QUEUED);
        sessions.delete(id, tenant);
    }

    @Test
    void refusesSessionOpensNotSignedByThePlatform() {
        // A CREATING session, as the API stores it, whose open a stranger publishes instead of the API.
        SessionRecord creating = SessionRecord.creating(UUID.randomUUID(), tenant, VmType.CODE_EXEC,
                catalogue.policy(VmType.CODE_EXEC).defaults(), List.of(), List.of(), 60_000, 600_000, Instant.now());
        assertThat(store.create(creating, null, 5)).isEqualTo(SessionStore.Creation.CREATED);
        byte[] open = codec.write(new dev.kiff.model.session.SessionOpen(dev.kiff.model.session.SessionOpen.VERSION,
                creating.id(), tenant, VmType.CODE_EXEC, creating.limits(), Map.of(), Map.of(), 60_000, 600_000,
                Instant.now()));
        try (KafkaProducer<String, byte[]> stranger = stranger()) {
            produce(stranger, Topics.sessionOpens(VmType.CODE_EXEC), creating.id().toString(), open, null);
        }

        await().atMost(SESSION_DEADLINE).untilAsserted(() -> assertThat(reason(deadLetters().recordsWithKey(
                creating.id().toString()))).as("dead-letter reason")
                .startsWith("refused: session opens come from the API only"));
        SessionRecord after = store.find(creating.id()).orElseThrow();
        assertThat(after.state()).isEqualTo(SessionState.CREATING);
        assertThat(after.workerId()).as("never claimed").isNull();
        assertThat(registry.find(creating.id())).isEmpty();
    }

    @Test
    void cancelInterruptsWithoutEndingTheSession() {
        UUID id = ready(SessionMessages.session(VmType.CODE_EXEC));
        run(id, SessionMessages.python("x = 7"));
        Job sleeper = sessions.run(id, tenant, SessionMessages.python("import time\ntime.sleep(60)"));
        awaitStatus(sleeper.id(), JobStatus.RUNNING);

        // As the API's JobCanceller: CANCELLED in the store, then the kill request every worker reads.
        assertThat(jobs.cancel(sleeper.id(), JobStatus.RUNNING, "cancelled by the tenant", Instant.now())).isTrue();
        kafka.send(Topics.CANCELLATIONS, sleeper.id().toString(),
                sleeper.id().toString().getBytes(StandardCharsets.UTF_8));

        awaitState(id, SessionState.IDLE);
        JobResult after = run(id, SessionMessages.python("x"));
        assertThat(after.display()).extracting(DisplayItem::text).as("the state survived").containsExactly("7");
        assertThat(awaitTerminal(sleeper.id().toString()).status()).isEqualTo(JobStatus.CANCELLED);
        sessions.delete(id, tenant);
    }

    @Test
    void aKilledKernelEndsLost() {
        UUID id = ready(SessionMessages.session(VmType.CODE_EXEC));
        String container = registry.find(id).orElseThrow().sandbox().id();

        JobResult killed = run(id, SessionMessages.python("import os\nos._exit(7)"));

        SessionRecord lost = awaitState(id, SessionState.LOST);
        assertThat(lost.reason()).contains("exit status 7");
        assertThat(killed.exitCode()).isEqualTo(7);
        assertThat(registry.find(id)).isEmpty();
        awaitContainerGone(container);
    }

    @Test
    void aForkBombInASessionIsHeldByItsPids() {
        UUID id = ready(SessionMessages.withPids(VmType.CODE_EXEC, 32));

        JobResult bomb = run(id, SessionMessages.bash("bomb() { bomb | bomb & }; bomb; sleep 3; echo survived", 10_000));

        assertThat(bomb.status()).as(bomb.toString()).isIn(JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.TIMED_OUT);
        SessionState after = sessionState(id);
        if (after == SessionState.IDLE) {
            // The bomb's processes went with its run; the session takes the next one.
            assertThat(run(id, SessionMessages.python("print('next')")).stdout()).isEqualTo("next\n");
            sessions.delete(id, tenant);
        } else {
            assertThat(after).isEqualTo(SessionState.LOST);
        }
    }

    // --- helpers ---

    private UUID ready(dev.kiff.model.session.SessionRequest request) {
        UUID id = sessions.create(request, tenant, null).id();
        awaitState(id, SessionState.READY);
        return id;
    }

    private JobResult run(UUID id, dev.kiff.model.session.SessionRunRequest request) {
        Job run = sessions.run(id, tenant, request);
        JobResult result = awaitTerminal(run.id().toString());
        // The session moves before the result is published: a client's next run finds it ready.
        awaitPublishedResults(run.id().toString());
        return result;
    }

    private SessionRecord awaitState(UUID id, SessionState state) {
        return await().atMost(SESSION_DEADLINE).pollInterval(Duration.ofMillis(50))
                .until(() -> store.find(id).orElseThrow(), s -> s.state() == state
                        || s.state().isTerminal() && state != s.state() && fail(s, state));
    }

    private static boolean fail(SessionRecord s, SessionState wanted) {
        throw new AssertionError("Session(id=" + s.id() + ") ended " + s.state() + " (" + s.reason()
                + ") while waiting for " + wanted);
    }

    private SessionState sessionState(UUID id) {
        return store.find(id).orElseThrow().state();
    }

    private JobStatus status(UUID jobId) {
        return jobs.find(jobId).map(JobRecord::state).map(JobResult::status).orElseThrow();
    }

    private void awaitStatus(UUID jobId, JobStatus status) {
        await().atMost(SESSION_DEADLINE).pollInterval(Duration.ofMillis(50)).until(() -> status(jobId) == status);
    }

    private void awaitContainerGone(String name) {
        await().atMost(Duration.ofSeconds(60)).until(() -> docker.listContainersCmd().withShowAll(true)
                .withNameFilter(List.of(name)).exec().isEmpty());
    }

    /** A run the store accepted (the session BUSY, its job QUEUED), as if the API had; the record is the test's. */
    private Job forgedRun(SessionRecord session, String code) {
        Job run = new Job(UUID.randomUUID(), tenant, session.vmType(), dev.kiff.model.job.Language.PYTHON, code, "",
                Map.of(), Map.of(), session.limits(), Instant.now(), null, null,
                new dev.kiff.model.job.RetryPolicy(1, false));
        assertThat(store.startRun(session.id(), tenant, run, SessionOp.RUN, null, Instant.now())).isPresent();
        // Gives the session back so the next forged or honest run is accepted: only the records matter here.
        store.runNotSent(session.id(), run.id(), Instant.now());
        return run;
    }

    private byte[] command(Job run, UUID session) {
        return codec.write(run.toMessage().inSession(SessionRef.run(session)));
    }

    @Autowired
    dev.kiff.core.trust.ProducerKeys producerKeys;
    @Autowired
    dev.kiff.core.tenant.TenantDirectory tenants;

    private static KafkaProducer<String, byte[]> stranger() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfrastructure.kafka().bootstrapServers()), new StringSerializer(), new ByteArraySerializer());
    }

    private static void produce(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value,
            SigningKey signWith) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        if (signWith != null) {
            record.headers().add(RecordSignature.HEADER, RecordSignature.of(signWith, topic, key, value)
                    .headerValue().getBytes(StandardCharsets.US_ASCII));
        }
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("the broker did not take the record", e);
        }
    }

    private List<SessionEvent> events(UUID id) {
        return sessionEvents().recordsWithKey(id.toString()).stream()
                .map(r -> codec.readSessionEvent(r.value())).toList();
    }

    private static synchronized TopicRecorder sessionEvents() {
        if (events == null) {
            events = new TopicRecorder(SharedInfrastructure.kafka().bootstrapServers(), Topics.SESSION_EVENTS);
        }
        return events;
    }
}
