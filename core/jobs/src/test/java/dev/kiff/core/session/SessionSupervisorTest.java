package dev.kiff.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.core.port.InMemoryJobRepository;
import dev.kiff.core.port.RecordingResultPublisher;
import dev.kiff.core.time.MutableClock;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.Language;
import dev.kiff.model.job.Limits;
import dev.kiff.model.job.RetryPolicy;
import dev.kiff.model.job.VmType;
import dev.kiff.model.session.SessionOp;
import dev.kiff.model.session.SessionState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SessionSupervisorTest {

    private static final Limits LIMITS = new Limits(10_000, 256, 1.0, 64, 65_536);

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryJobRepository jobs = new InMemoryJobRepository();
    private final InMemorySessionStore store = new InMemorySessionStore(jobs);
    private final RecordingSessionPublishers events = new RecordingSessionPublishers();
    private final RecordingResultPublisher results = new RecordingResultPublisher();
    private final SessionSupervisor supervisor = new SessionSupervisor(store, jobs, results, events,
            SessionSettings.DEFAULT, clock);

    private SessionRecord created() {
        SessionRecord session = SessionRecord.creating(UUID.randomUUID(), "acme", VmType.CODE_EXEC, LIMITS, List.of(),
                List.of(), 300_000, 3_600_000, clock.instant());
        store.create(session, null, 5);
        return session;
    }

    private SessionRecord readyOn(String worker) {
        SessionRecord session = created();
        store.claim(session.id(), worker, "kiff.session-runs." + worker, clock.instant(), clock.instant());
        store.ready(session.id(), worker, clock.instant());
        return session;
    }

    @Test
    void aSessionWhoseWorkerStopsRenewingEndsLostWithAClearMessage() {
        SessionRecord session = readyOn("w1");
        clock.advance(Duration.ofSeconds(29));
        supervisor.tick();
        assertThat(store.find(session.id()).orElseThrow().state()).as("lease still fresh").isEqualTo(
                SessionState.READY);

        clock.advance(Duration.ofSeconds(2));
        supervisor.tick();

        SessionRecord lost = store.find(session.id()).orElseThrow();
        assertThat(lost.state()).isEqualTo(SessionState.LOST);
        assertThat(lost.reason()).contains("w1 stopped renewing its lease").contains("state is gone");
        assertThat(events.events()).singleElement().satisfies(e -> assertThat(e.state()).isEqualTo(SessionState.LOST));
    }

    @Test
    void aWorkerThatRenewsKeepsItsSessions() {
        SessionRecord session = readyOn("w1");
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(20));
            store.renew("w1", clock.instant());
            supervisor.tick();
        }
        assertThat(store.find(session.id()).orElseThrow().state()).isEqualTo(SessionState.READY);
    }

    @Test
    void theRunOfALostSessionEndsErrorAndItsResultIsPublished() {
        SessionRecord session = readyOn("w1");
        Job run = new Job(UUID.randomUUID(), "acme", VmType.CODE_EXEC, Language.PYTHON, "while True: pass", "",
                Map.of(), Map.of(), LIMITS, clock.instant(), null, null, new RetryPolicy(1, false));
        store.startRun(session.id(), "acme", run, SessionOp.RUN, null, clock.instant());
        jobs.markRunning(run.id(), "w1", clock.instant());

        clock.advance(Duration.ofMinutes(1));
        supervisor.tick();

        assertThat(jobs.state(run.id()).status()).isEqualTo(JobStatus.ERROR);
        assertThat(jobs.state(run.id()).message()).contains("session " + session.id() + " lost");
        assertThat(results.published()).singleElement()
                .satisfies(r -> assertThat(r.status()).isEqualTo(JobStatus.ERROR));
    }

    @Test
    void anOpenNoWorkerClaimsExpiresAfterTheCreateTimeoutButAClaimedOneWaitsForItsWorker() {
        SessionRecord unclaimed = created();
        SessionRecord claimed = created();
        store.claim(claimed.id(), "w2", "kiff.session-runs.w2", clock.instant(), clock.instant());

        clock.advance(Duration.ofSeconds(25));
        store.renew("w2", clock.instant());
        supervisor.tick();
        assertThat(store.find(unclaimed.id()).orElseThrow().state()).isEqualTo(SessionState.CREATING);

        clock.advance(Duration.ofSeconds(10));
        store.renew("w2", clock.instant());
        supervisor.tick();

        SessionRecord expired = store.find(unclaimed.id()).orElseThrow();
        assertThat(expired.state()).isEqualTo(SessionState.EXPIRED);
        assertThat(expired.reason()).contains("no worker with an idle code-exec sandbox");
        assertThat(store.find(claimed.id()).orElseThrow().state()).isEqualTo(SessionState.CREATING);
    }

    @Test
    void endedSessionsAreLeftAlone() {
        SessionRecord session = readyOn("w1");
        store.end(session.id(), "acme", SessionState.OPEN, SessionState.DELETED, "deleted", clock.instant());

        clock.advance(Duration.ofHours(1));
        supervisor.tick();

        assertThat(store.find(session.id()).orElseThrow().state()).isEqualTo(SessionState.DELETED);
        assertThat(events.events()).isEmpty();
    }
}
