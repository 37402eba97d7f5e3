package dev.kiff.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.kiff.core.health.Dependency;
import dev.kiff.core.health.DependencyHealth;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.core.port.JobRecord;
import dev.kiff.testkit.SharedInfrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A real database outage as the worker sees it: its every connection to PostgreSQL goes through a forwarder that
 * the test cuts (open connections dropped, new ones refused) for {@link #OUTAGE}, far longer than the pool's
 * connection timeout times the tries a record used to get. No job ends in ERROR for it, none runs twice, and the
 * outage is logged once, not once per job.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "kiff.worker.id=database-outage-it",
        "kiff.worker.vm-types=code-exec",
        "kiff.worker.initial-target=2",
        "kiff.worker.retry-backoff=200ms",
        "kiff.worker.probe-interval=500ms",
        "kiff.worker.probe-timeout=1s",
        // A pool that gives up on a connection soon, as a deployment that wants fast failures would set it.
        "spring.datasource.hikari.connection-timeout=2000"})
class WorkerDatabaseOutageIT extends WorkerIntegrationTest {

    static final Duration OUTAGE = Duration.ofSeconds(30);

    private static SocketForwarder database;

    @Autowired
    DependencyHealth health;

    @DynamicPropertySource
    static void throughTheForwarder(DynamicPropertyRegistry registry) {
        int port = SharedInfrastructure.postgres().port();
        database = SocketForwarder.tcp(port);
        String url = SharedInfrastructure.postgres().jdbcUrl().replace(":" + port + "/", ":" + database.port() + "/");
        // Bound onto the pool after spring.datasource.url (which the shared fixture sets), so this address wins.
        registry.add("spring.datasource.hikari.jdbc-url", () -> url);
    }

    @AfterEach
    void databaseBack() {
        database.restore();
        await().atMost(Duration.ofSeconds(30)).until(() -> health.available(Dependency.DATABASE));
    }

    @Test
    void jobsQueuedDuringAnOutageRunWhenTheDatabaseReturns() {
        List<JobMessages> queued = new ArrayList<>();
        try (LogEvents logs = new LogEvents()) {
            database.cut();
            for (int i = 0; i < 6; i++) {
                JobMessages job = JobMessages.python("print('after the outage " + i + "')");
                queued.add(job);
                publish(job);
            }
            outageLasts();
            database.restore();
            await().atMost(Duration.ofSeconds(30)).until(() -> health.available(Dependency.DATABASE));

            for (JobMessages job : queued) {
                JobResult result = awaitTerminal(job.id());
                assertThat(result.status()).as("Job(id=%s): %s", job.id(), result.message())
                        .isEqualTo(JobStatus.SUCCEEDED);
                assertThat(result.attempts()).as("attempts of Job(id=%s)", job.id()).isEqualTo(1);
            }
            assertThat(logs.at(Level.ERROR)).as("errors logged through the outage").isEmpty();
            assertThat(logs.at(Level.WARN)).filteredOn(line -> line.contains("Dependency(database)"))
                    .as("the outage's warning").hasSize(1);
        }
        await().atMost(JOB_DEADLINE).until(() -> queued.stream().allMatch(j -> !publishedResults(j.id()).isEmpty()));
        assertThat(queued).allSatisfy(job -> assertThat(publishedResults(job.id())).hasSize(1));
    }

    @Test
    void aJobRunningWhenTheDatabaseGoesAwayEndsOnceWithItsResult() {
        JobMessages job = JobMessages.python("import time\ntime.sleep(5)\nprint('ran through the outage')");
        publish(job);
        await().atMost(JOB_DEADLINE).until(() -> jobs.find(UUID.fromString(job.id())).map(JobRecord::state)
                .map(state -> state.status() == JobStatus.RUNNING).orElse(false));

        database.cut();
        outageLasts();
        database.restore();

        JobResult result = awaitTerminal(job.id());
        assertThat(result.status()).as(result.message()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.stdout()).isEqualTo("ran through the outage\n");
        assertThat(result.attempts()).as("runs of the job").isEqualTo(1);
        await().atMost(JOB_DEADLINE).until(() -> !publishedResults(job.id()).isEmpty());
        assertThat(publishedResults(job.id())).hasSize(1);
    }

    /** The database stays away for {@link #OUTAGE}, and the worker noticed. */
    private void outageLasts() {
        await().pollDelay(OUTAGE).atMost(OUTAGE.plusSeconds(10))
                .until(() -> !health.available(Dependency.DATABASE));
    }
}
