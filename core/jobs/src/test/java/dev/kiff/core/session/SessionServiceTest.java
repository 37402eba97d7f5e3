package dev.kiff.core.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.core.port.InMemoryJobRepository;
import dev.kiff.core.submit.IdempotencyConflictException;
import dev.kiff.core.tenant.QuotaExceededException;
import dev.kiff.core.time.MutableClock;
import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.InvalidJobException;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobMessage;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.Language;
import dev.kiff.model.job.RequestedLimits;
import dev.kiff.model.job.Violation;
import dev.kiff.model.job.VmType;
import dev.kiff.model.json.JobCodec;
import dev.kiff.model.session.SessionOp;
import dev.kiff.model.session.SessionRequest;
import dev.kiff.model.session.SessionRunRequest;
import dev.kiff.model.session.SessionState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SessionServiceTest {

    private static final String TENANT = "acme";
    private static final String WORKER = "w1";

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryJobRepository jobs = new InMemoryJobRepository();
    private final InMemorySessionStore store = new InMemorySessionStore(jobs);
    private final RecordingSessionPublishers publishers = new RecordingSessionPublishers();
    private final SessionService service = new SessionService(VmTypeCatalogue.builtIn(), store, jobs, publishers,
            publishers, new JobCodec(), SessionSettings.DEFAULT, clock);

    private static SessionRequest request() {
        return new SessionRequest(VmType.CODE_EXEC, null, null, null, Map.of("TOKEN", "t"), Map.of("in.txt", "hi"));
    }

    /** A session created, claimed by {@link #WORKER} and READY, as the worker side would leave it. */
    private SessionRecord ready() {
        SessionRecord created = service.create(request(), TENANT, null);
        assertThat(store.claim(created.id(), WORKER, "kiff.session-runs." + WORKER, clock.instant(),
                clock.instant().minusSeconds(30))).isTrue();
        assertThat(store.ready(created.id(), WORKER, clock.instant())).isTrue();
        return store.find(created.id()).orElseThrow();
    }

    private static SessionRunRequest python(String code) {
        return new SessionRunRequest(Language.PYTHON, code, null, null);
    }

    @Test
    void createStoresCreatingWithDefaultsAndPublishesTheOpenWithValuesButStoresNamesOnly() {
        SessionRecord created = service.create(request(), TENANT, null);

        assertThat(created.state()).isEqualTo(SessionState.CREATING);
        assertThat(created.idleTimeoutMs()).isEqualTo(Duration.ofMinutes(5).toMillis());
        assertThat(created.maxLifetimeMs()).isEqualTo(Duration.ofHours(1).toMillis());
        assertThat(created.limits().timeoutMs()).as("the VM type's default").isEqualTo(10_000);
        assertThat(store.find(created.id()).orElseThrow().envNames()).containsExactly("TOKEN");
        assertThat(publishers.opens()).singleElement().satisfies(open -> {
            assertThat(open.sessionId()).isEqualTo(created.id());
            assertThat(open.env()).containsEntry("TOKEN", "t");
            assertThat(open.files()).containsEntry("in.txt", "hi");
        });
        assertThat(publishers.events()).extracting(e -> e.state()).containsExactly(SessionState.CREATING);
    }

    @Test
    void createRefusesWhatJobsRefuseBeforeStoringAnything() {
        SessionRequest bad = new SessionRequest(VmType.CODE_EXEC, new RequestedLimits(null, 999_999, null, null, null),
                Duration.ofDays(2).toMillis(), null, Map.of("KIFF_X", "1"), Map.of("../etc/passwd", "x"));

        assertThatThrownBy(() -> service.create(bad, TENANT, null))
                .isInstanceOfSatisfying(InvalidJobException.class, e -> assertThat(e.violations())
                        .extracting(Violation::field)
                        .contains("limits.memoryMb", "idleTimeoutMs", "env.KIFF_X", "files[\"../etc/passwd\"]"));
        assertThat(store.list(TENANT, false, null, 10)).isEmpty();
        assertThat(publishers.opens()).isEmpty();
    }

    @Test
    void theSixthOpenSessionIsRefusedByTheQuota() {
        for (int i = 0; i < 5; i++) {
            service.create(request(), TENANT, null);
        }
        assertThatThrownBy(() -> service.create(request(), TENANT, null))
                .isInstanceOfSatisfying(QuotaExceededException.class,
                        e -> assertThat(e.quota()).isEqualTo("maxOpenSessions"));
        assertThat(publishers.opens()).hasSize(5);
    }

    @Test
    void theSameIdempotencyKeyNamesTheSameSessionAndADifferentRequestUnderItConflicts() {
        SessionRecord first = service.create(request(), TENANT, "k1");
        SessionRecord again = service.create(request(), TENANT, "k1");

        assertThat(again.id()).isEqualTo(first.id());
        assertThat(publishers.opens()).as("opened once").hasSize(1);
        SessionRequest other = new SessionRequest(VmType.CODE_EXEC, null, 60_000L, null, null, null);
        assertThatThrownBy(() -> service.create(other, TENANT, "k1")).isInstanceOf(IdempotencyConflictException.class);
    }

    @Test
    void anOpenTheBrokerRefusesEndsTheSessionExpired() {
        publishers.refuseNext();

        assertThatThrownBy(() -> service.create(request(), TENANT, null)).isInstanceOf(TransientFailure.class);

        assertThat(store.list(TENANT, false, null, 10)).singleElement()
                .satisfies(s -> assertThat(s.state()).isEqualTo(SessionState.EXPIRED));
        assertThat(store.list(TENANT, true, null, 10)).as("no place held in the quota").isEmpty();
    }

    @Test
    void aRunMakesTheSessionBusyStoresAOneAttemptJobAndGoesToTheWorkersRunTopic() {
        SessionRecord session = ready();

        Job run = service.run(session.id(), TENANT, python("x = 1"));

        assertThat(store.find(session.id()).orElseThrow().state()).isEqualTo(SessionState.BUSY);
        assertThat(jobs.state(run.id()).status()).isEqualTo(JobStatus.QUEUED);
        assertThat(run.retry().maxAttempts()).isEqualTo(1);
        assertThat(publishers.sent()).singleElement().satisfies(sent -> {
            assertThat(sent.topic()).isEqualTo("kiff.session-runs.w1");
            assertThat(sent.command().session().id()).isEqualTo(session.id());
            assertThat(sent.command().session().op()).isEqualTo(SessionOp.RUN);
            assertThat(sent.command().code()).isEqualTo("x = 1");
        });
    }

    @Test
    void aSecondRunWhileBusyIsRefusedAndNothingIsStoredOrSent() {
        SessionRecord session = ready();
        Job first = service.run(session.id(), TENANT, python("import time; time.sleep(5)"));

        assertThatThrownBy(() -> service.run(session.id(), TENANT, python("x")))
                .isInstanceOfSatisfying(SessionBusyException.class, e -> {
                    assertThat(e.state()).isEqualTo(SessionState.BUSY);
                    assertThat(e.currentRun()).isEqualTo(first.id());
                });
        assertThat(publishers.sent()).hasSize(1);

        store.runEnded(session.id(), first.id(), true, null, clock.instant());
        service.run(session.id(), TENANT, python("x"));
        assertThat(publishers.sent()).as("IDLE takes a run").hasSize(2);
    }

    @Test
    void aCreatingSessionIsNotReadyAndAnEndedOneIsGone() {
        SessionRecord creating = service.create(request(), TENANT, null);
        assertThatThrownBy(() -> service.run(creating.id(), TENANT, python("x")))
                .isInstanceOfSatisfying(SessionBusyException.class,
                        e -> assertThat(e.state()).isEqualTo(SessionState.CREATING));

        service.delete(creating.id(), TENANT);
        assertThatThrownBy(() -> service.run(creating.id(), TENANT, python("x")))
                .isInstanceOfSatisfying(SessionEndedException.class,
                        e -> assertThat(e.state()).isEqualTo(SessionState.DELETED));
    }

    @Test
    void anotherTenantsSessionIsNotFoundForAnythingAndStaysUntouched() {
        SessionRecord session = ready();

        assertThatThrownBy(() -> service.find(session.id(), "other")).isInstanceOf(SessionNotFoundException.class);
        assertThatThrownBy(() -> service.run(session.id(), "other", python("x")))
                .isInstanceOf(SessionNotFoundException.class);
        assertThatThrownBy(() -> service.delete(session.id(), "other")).isInstanceOf(SessionNotFoundException.class);
        assertThatThrownBy(() -> service.listFiles(session.id(), "other"))
                .isInstanceOf(SessionNotFoundException.class);
        assertThat(store.find(session.id()).orElseThrow().state()).isEqualTo(SessionState.READY);
        assertThat(publishers.sent()).isEmpty();
    }

    @Test
    void aRunTheBrokerRefusesIsRejectedAndTheSessionTakesRunsAgain() {
        SessionRecord session = ready();
        publishers.refuseNext();

        assertThatThrownBy(() -> service.run(session.id(), TENANT, python("x"))).isInstanceOf(TransientFailure.class);

        SessionRecord after = store.find(session.id()).orElseThrow();
        assertThat(after.state()).isEqualTo(SessionState.IDLE);
        assertThat(jobs.state(after.currentRun()).status()).isEqualTo(JobStatus.REJECTED);
        service.run(session.id(), TENANT, python("x"));
        assertThat(publishers.sent()).hasSize(1);
    }

    @Test
    void aRunsTimeoutMayNotExceedTheSessionsLimit() {
        SessionRecord session = ready();

        assertThatThrownBy(() -> service.run(session.id(), TENANT,
                new SessionRunRequest(Language.PYTHON, "x", null, 10_001L)))
                .isInstanceOfSatisfying(InvalidJobException.class, e -> assertThat(e.violations())
                        .extracting(Violation::field).containsExactly("timeoutMs"));
        Job shorter = service.run(session.id(), TENANT, new SessionRunRequest(Language.PYTHON, "x", null, 500L));
        assertThat(shorter.limits().timeoutMs()).isEqualTo(500);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../secret", "/etc/passwd", ".bashrc", "a/../../b", "a/.hidden", "a\\b", "", "a//b"})
    void filePathsBreakingTheJobsFileRuleAreRefusedBeforeAnythingIsStoredOrSent(String path) {
        SessionRecord session = ready();

        assertThatThrownBy(() -> service.putFile(session.id(), TENANT, path, "x".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidJobException.class);
        assertThatThrownBy(() -> service.getFile(session.id(), TENANT, path)).isInstanceOf(InvalidJobException.class);

        assertThat(publishers.sent()).isEmpty();
        assertThat(store.find(session.id()).orElseThrow().state()).isEqualTo(SessionState.READY);
    }

    @Test
    void aPutCarriesItsBytesInTheRecordOnlyAndTheJobRowKeepsItsSizeAndDigest() {
        SessionRecord session = ready();
        byte[] content = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8);

        Job put = service.putFile(session.id(), TENANT, "data/in.csv", content);

        JobMessage command = publishers.sent().get(0).command();
        assertThat(command.session().op()).isEqualTo(SessionOp.PUT);
        assertThat(command.session().path()).isEqualTo("data/in.csv");
        assertThat(Base64.getDecoder().decode(command.session().content())).isEqualTo(content);
        assertThat(put.code()).startsWith("put data/in.csv (8 bytes, sha256 ").doesNotContain("1,2");
        assertThat(store.opOf(put.id())).isEqualTo(SessionOp.PUT);
    }

    @Test
    void aFileOverTheCapIsTooLarge() {
        SessionRecord session = ready();

        assertThatThrownBy(() -> service.putFile(session.id(), TENANT, "big.bin",
                new byte[SessionSettings.DEFAULT.maxFileBytes() + 1]))
                .isInstanceOfSatisfying(InvalidJobException.class, e -> assertThat(e.tooLarge()).isTrue());
    }

    @Test
    void deleteEndsTheSessionSendsItsWorkerACloseAndAnswersAgainWhenRepeated() {
        SessionRecord session = ready();

        SessionRecord deleted = service.delete(session.id(), TENANT);

        assertThat(deleted.state()).isEqualTo(SessionState.DELETED);
        assertThat(publishers.sent()).singleElement().satisfies(sent -> {
            assertThat(sent.topic()).isEqualTo("kiff.session-runs.w1");
            assertThat(sent.command().session().op()).isEqualTo(SessionOp.CLOSE);
        });
        assertThat(service.delete(session.id(), TENANT).state()).isEqualTo(SessionState.DELETED);
        assertThat(publishers.sent()).as("closed once").hasSize(1);
        assertThat(service.find(session.id(), TENANT).transitions()).extracting(t -> t.state())
                .containsExactly(SessionState.CREATING, SessionState.READY, SessionState.DELETED);
    }

    @Test
    void theViewSaysWhenAnIdleSessionExpires() {
        SessionRecord session = ready();
        clock.advance(Duration.ofMinutes(1));

        assertThat(service.find(session.id(), TENANT).expiresAt())
                .isEqualTo(session.readyAt().plus(Duration.ofMinutes(5)));
        assertThat(UUID.fromString(session.id().toString())).isEqualTo(session.id());
    }
}
