package dev.kiff.core.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.core.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionPurgeTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    /** Holds a number of expired rows per kind; records every call. */
    private static final class Expired implements PurgeableRecords {
        int jobs;
        int logs;
        int artifacts;
        int audit;
        int webhooks;
        int sessions;
        final List<String> calls = new ArrayList<>();

        private int take(String kind, Instant before, int limit, int left) {
            calls.add(kind + " " + before + " " + limit);
            return Math.min(limit, left);
        }

        @Override
        public int purgeFinishedJobs(Instant before, int limit) {
            int n = take("jobs", before, limit, jobs);
            jobs -= n;
            return n;
        }

        @Override
        public int purgeLogs(Instant before, int limit) {
            int n = take("logs", before, limit, logs);
            logs -= n;
            return n;
        }

        @Override
        public int purgeArtifacts(Instant before, int limit) {
            int n = take("artifacts", before, limit, artifacts);
            artifacts -= n;
            return n;
        }

        @Override
        public int purgeAuditRows(Instant before, int limit) {
            int n = take("audit", before, limit, audit);
            audit -= n;
            return n;
        }

        @Override
        public int purgeWebhookDeliveries(Instant before, int limit) {
            if (webhooks < 0) {
                throw new IllegalStateException("database away");
            }
            int n = take("webhooks", before, limit, webhooks);
            webhooks -= n;
            return n;
        }

        @Override
        public int purgeEndedSessions(Instant before, int limit) {
            int n = take("sessions", before, limit, sessions);
            sessions -= n;
            return n;
        }
    }

    private final MutableClock clock = new MutableClock(NOW);
    private final Expired store = new Expired();
    private final RetentionPeriods periods = new RetentionPeriods(Duration.ofDays(30), Duration.ofDays(7),
            Duration.ofDays(7), Duration.ofDays(30), Duration.ofDays(14), Duration.ofDays(7));

    @Test
    void purgesEachKindOlderThanItsPeriodInBatchesUntilABatchComesBackShort() {
        store.jobs = 5;
        store.logs = 2;
        RetentionPurge purge = new RetentionPurge(store, periods, clock, 2, 10);

        RetentionPurge.Purged purged = purge.tick();

        assertThat(purged).isEqualTo(new RetentionPurge.Purged(5, 2, 0, 0, 0, 0));
        assertThat(store.calls).containsExactly(
                "jobs 2026-10-29T12:00:00Z 2", "jobs 2026-10-29T12:00:00Z 2", "jobs 2026-10-29T12:00:00Z 2",
                "logs 2026-11-21T12:00:00Z 2", "logs 2026-11-21T12:00:00Z 2",
                "artifacts 2026-11-21T12:00:00Z 2",
                "audit 2026-10-29T12:00:00Z 2",
                "webhooks 2026-11-14T12:00:00Z 2",
                "sessions 2026-11-21T12:00:00Z 2");
    }

    @Test
    void aTickDeletesAtMostMaxBatchesPerKindAndTheNextGoesOn() {
        store.audit = 7;
        RetentionPurge purge = new RetentionPurge(store, periods, clock, 2, 2);

        assertThat(purge.tick().audit()).isEqualTo(4);
        assertThat(purge.tick().audit()).isEqualTo(3);
        assertThat(purge.tick().audit()).isZero();
    }

    @Test
    void aZeroOrNegativePeriodKeepsThatKindForever() {
        store.jobs = 3;
        store.logs = 3;
        RetentionPurge purge = new RetentionPurge(store, new RetentionPeriods(Duration.ZERO, Duration.ofDays(-1),
                Duration.ofDays(7), Duration.ofDays(7), Duration.ofDays(7)), clock, 10, 10);

        assertThat(purge.tick()).isEqualTo(new RetentionPurge.Purged(0, 0, 0, 0, 0, 0));
        assertThat(store.calls).noneMatch(call -> call.startsWith("jobs") || call.startsWith("logs"));
    }

    @Test
    void aKindThatFailsIsLeftForTheNextTickAndTheOthersArePurged() {
        store.webhooks = -1;
        store.artifacts = 1;
        RetentionPurge purge = new RetentionPurge(store, periods, clock, 10, 10);

        assertThat(purge.tick().artifacts()).isEqualTo(1);
    }

    @Test
    void endedSessionsArePurgedAfterTheirOwnPeriod() {
        store.sessions = 3;
        RetentionPurge purge = new RetentionPurge(store, periods, clock, 2, 10);

        assertThat(purge.tick().sessions()).isEqualTo(3);
        assertThat(store.calls).contains("sessions " + NOW.minus(Duration.ofDays(7)) + " 2");
    }
}
