package dev.kiff.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.core.dispatch.JobBacklog.Stored;
import dev.kiff.core.dispatch.JobBacklog.Waiting;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.VmType;
import dev.kiff.model.json.JobCodec;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The backlog on the real database: its window, its claims across connections, and claims that run out. */
class JooqJobBacklogIT {

    private static final Instant NOW = Instant.parse("2030-01-02T03:05:00.654321Z");
    private static final Duration CLAIM = Duration.ofSeconds(20);
    private static final VmType TYPE = VmType.CODE_EXEC;

    private static Connection connection;
    private static JooqJobRepository repository;
    private static JooqJobBacklog backlog;

    @BeforeAll
    static void migrateAndConnect() throws SQLException {
        connection = Database.connect();
        repository = new JooqJobRepository(Database.using(connection), new JobCodec(), Clock.fixed(NOW,
                ZoneOffset.UTC));
        backlog = new JooqJobBacklog(Database.using(connection), repository);
    }

    @AfterAll
    static void disconnect() throws SQLException {
        if (connection != null) {
            connection.close();
        }
    }

    /** {@code count} jobs of the tenant stored held and unclaimed, as a batch stores them. */
    private static List<Job> held(String tenant, int count) {
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Job job = Jobs.python("print(" + i + ")").tenant(tenant).build();
            // A window of none: stored, never claimed.
            assertThat(backlog.insertHeld(job, null, 0, NOW, NOW.plus(CLAIM))).isEqualTo(Stored.HELD);
            jobs.add(job);
        }
        return jobs;
    }

    private static Waiting waiting(String tenant, Instant at) {
        return backlog.waiting(at, 100).stream().filter(w -> w.tenant().equals(tenant)).findFirst().orElse(null);
    }

    @Test
    void claimsASingleJobAtItsInsertOnlyWhileTheWindowHasRoom() {
        String tenant = Jobs.freshTenant();
        List<Stored> stored = new ArrayList<>();
        Job first = Jobs.python("print(1)").tenant(tenant).build();
        stored.add(backlog.insertHeld(first, "hash", 2, NOW, NOW.plus(CLAIM)));
        stored.add(backlog.insertHeld(Jobs.python("print(2)").tenant(tenant).build(), null, 2, NOW, NOW.plus(CLAIM)));
        stored.add(backlog.insertHeld(Jobs.python("print(3)").tenant(tenant).build(), null, 2, NOW, NOW.plus(CLAIM)));

        assertThat(stored).containsExactly(Stored.CLAIMED, Stored.CLAIMED, Stored.HELD);
        assertThat(backlog.insertHeld(first, "hash", 2, NOW, NOW.plus(CLAIM))).isEqualTo(Stored.EXISTS);
        assertThat(repository.find(first.id()).orElseThrow().state().status()).isEqualTo(JobStatus.QUEUED);
        assertThat(waiting(tenant, NOW)).isEqualTo(new Waiting(tenant, TYPE, 1, 2));
    }

    @Test
    void claimsTheOldestHeldJobsUpToTheWindowAndCountsPublishedOnesInIt() {
        String tenant = Jobs.freshTenant();
        held(tenant, 10);

        List<Job> claimed = backlog.claimOldest(tenant, TYPE, 3, 5, NOW, NOW.plus(CLAIM));
        backlog.published(claimed.stream().map(Job::id).toList(), NOW);

        assertThat(claimed).hasSize(3);
        assertThat(waiting(tenant, NOW)).isEqualTo(new Waiting(tenant, TYPE, 7, 3));
        assertThat(backlog.claimOldest(tenant, TYPE, 100, 5, NOW, NOW.plus(CLAIM))).as("room for two").hasSize(2);
        assertThat(backlog.claimOldest(tenant, TYPE, 100, 5, NOW, NOW.plus(CLAIM))).isEmpty();

        repository.cancel(claimed.get(0).id(), JobStatus.QUEUED, "cancelled", NOW);
        assertThat(backlog.claimOldest(tenant, TYPE, 100, 5, NOW, NOW.plus(CLAIM))).as("an ended job frees its place")
                .hasSize(1);
    }

    @Test
    void claimsAgainAJobWhoseClaimRanOutWithoutItsPublish() {
        String tenant = Jobs.freshTenant();
        Job job = Jobs.python("print('orphan')").tenant(tenant).build();
        assertThat(backlog.insertHeld(job, null, 5, NOW, NOW.plus(CLAIM))).isEqualTo(Stored.CLAIMED);

        assertThat(waiting(tenant, NOW)).isNull();
        assertThat(backlog.claimOldest(tenant, TYPE, 10, 5, NOW, NOW.plus(CLAIM))).isEmpty();

        Instant later = NOW.plus(CLAIM);
        assertThat(waiting(tenant, later)).isEqualTo(new Waiting(tenant, TYPE, 1, 0));
        assertThat(backlog.claimOldest(tenant, TYPE, 10, 5, later, later.plus(CLAIM))).extracting(Job::id)
                .containsExactly(job.id());
    }

    @Test
    void takesAStartedJobAsPublishedEvenWhenItsPublisherNeverMarkedIt() {
        String tenant = Jobs.freshTenant();
        Job job = Jobs.python("print('started')").tenant(tenant).build();
        backlog.insertHeld(job, null, 5, NOW, NOW.plus(CLAIM));

        repository.markRunning(job.id(), "worker-a", NOW);
        repository.requeue(job.id(), JobStatus.FAILED, "retried", NOW);

        Instant later = NOW.plus(CLAIM).plus(CLAIM);
        assertThat(waiting(tenant, later)).as("its record is on the queue: not published again").isNull();
        assertThat(backlog.claim(tenant, TYPE, List.of(job.id()), 5, later, later.plus(CLAIM))).isEmpty();
    }

    @Test
    void neverPassesTheWindowWhenSeveralInstancesClaimAtOnce() throws Exception {
        String tenant = Jobs.freshTenant();
        held(tenant, 60);
        ExecutorService instances = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> claims = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                claims.add(() -> {
                    try (Connection own = Database.connect()) {
                        JooqJobBacklog instance = new JooqJobBacklog(Database.using(own), repository);
                        return instance.claimOldest(tenant, TYPE, 60, 10, NOW, NOW.plus(CLAIM)).size();
                    }
                });
            }
            int claimed = 0;
            for (Future<Integer> answer : instances.invokeAll(claims, 60, TimeUnit.SECONDS)) {
                claimed += answer.get();
            }

            assertThat(claimed).isEqualTo(10);
            assertThat(waiting(tenant, NOW)).isEqualTo(new Waiting(tenant, TYPE, 50, 10));
        } finally {
            instances.shutdownNow();
        }
    }

    @Test
    void claimsAnOfferedBatchInItsOrderUpToTheWindow() {
        String tenant = Jobs.freshTenant();
        List<UUID> ids = held(tenant, 6).stream().map(Job::id).toList();

        List<UUID> claimed = backlog.claim(tenant, TYPE, ids, 4, NOW, NOW.plus(CLAIM));

        assertThat(claimed).hasSize(4);
        assertThat(ids).containsAll(claimed);
        assertThat(backlog.claim(tenant, TYPE, ids, 4, NOW, NOW.plus(CLAIM))).isEmpty();
    }
}
