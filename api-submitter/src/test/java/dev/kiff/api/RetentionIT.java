package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.api.retention.RetentionProperties;
import dev.kiff.core.session.SessionRecord;
import dev.kiff.core.session.SessionStore;
import dev.kiff.model.job.VmType;
import dev.kiff.model.session.SessionState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The API's retention purge runs by itself: a job that ended longer ago than {@code kiff.retention.jobs} disappears
 * with its logs, on the purge's own schedule, while a younger one and an unfinished one stay; likewise a session that
 * ended longer ago than {@code kiff.retention.sessions}, with its transitions.
 */
class RetentionIT extends ApiIntegrationTest {

    private static final Duration SEEN = Duration.ofSeconds(30);

    @Autowired
    RetentionProperties retention;
    @Autowired
    SessionStore sessions;

    private UUID insertJob(String status, Instant finishedAt) throws SQLException {
        UUID id = UUID.randomUUID();
        Instant submitted = finishedAt == null ? Instant.now().minus(retention.jobs()).minus(Duration.ofDays(1))
                : finishedAt.minusSeconds(60);
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement job = c.prepareStatement("INSERT INTO jobs (id, tenant, vm_type, language, spec,"
                    + " status, submitted_at, updated_at, finished_at) VALUES (?, 'acme', 'code-exec', 'python',"
                    + " '{}'::json, ?, ?, ?, ?)")) {
                job.setObject(1, id);
                job.setString(2, status);
                job.setTimestamp(3, Timestamp.from(submitted));
                job.setTimestamp(4, Timestamp.from(submitted));
                job.setTimestamp(5, finishedAt == null ? null : Timestamp.from(finishedAt));
                job.executeUpdate();
            }
            try (PreparedStatement log = c.prepareStatement("INSERT INTO job_logs (job_id, attempt, seq, stream, data,"
                    + " at) VALUES (?, 1, 0, 'stdout', 'x'::bytea, ?)")) {
                log.setObject(1, id);
                log.setTimestamp(2, Timestamp.from(Instant.now()));
                log.executeUpdate();
            }
        }
        return id;
    }

    private int rows(String table, String column, UUID id) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement count = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE " + column
                        + " = ?")) {
            count.setObject(1, id);
            var result = count.executeQuery();
            result.next();
            return result.getInt(1);
        }
    }

    @Test
    void theBackgroundPurgeDeletesJobsThatEndedLongerAgoThanTheirPeriodAndKeepsTheOthers() throws SQLException {
        Instant now = Instant.now();
        UUID expired = insertJob("SUCCEEDED", now.minus(retention.jobs()).minus(Duration.ofHours(1)));
        UUID young = insertJob("FAILED", now.minus(retention.jobs()).plus(Duration.ofHours(1)));
        UUID queued = insertJob("QUEUED", null);
        ApiClient api = new ApiClient(port);

        await().atMost(SEEN).until(() -> rows("jobs", "id", expired) == 0);

        assertThat(rows("job_logs", "job_id", expired)).as("its logs went with it").isZero();
        assertThat(api.get("/v1/jobs/" + expired).status()).isEqualTo(404);
        assertThat(rows("jobs", "id", young)).isOne();
        assertThat(rows("jobs", "id", queued)).as("unfinished, however old").isOne();
        assertThat(rows("job_logs", "job_id", young)).isOne();
    }

    @Test
    void theBackgroundPurgeDeletesSessionsThatEndedLongerAgoThanTheirPeriodAndKeepsTheOthers() throws SQLException {
        Instant longAgo = Instant.now().minus(retention.sessions()).minus(Duration.ofHours(1));
        UUID expired = endedSession(longAgo);
        UUID young = endedSession(Instant.now().minus(retention.sessions()).plus(Duration.ofHours(1)));
        UUID open = UUID.randomUUID();
        assertThat(sessions.create(SessionRecord.creating(open, TestTenants.uniqueName("kept"), VmType.CODE_EXEC,
                null, List.of(), List.of(), 60_000, 60_000, longAgo), null, 5)).isEqualTo(SessionStore.Creation.CREATED);

        await().atMost(SEEN).until(() -> rows("sessions", "id", expired) == 0);

        assertThat(rows("session_transitions", "session_id", expired)).as("its moves went with it").isZero();
        assertThat(rows("sessions", "id", young)).isOne();
        assertThat(rows("session_transitions", "session_id", young)).isEqualTo(2);
        assertThat(rows("sessions", "id", open)).as("open, however old").isOne();
    }

    /** A session created and DELETED at {@code endedAt}, with its two moves. */
    private UUID endedSession(Instant endedAt) {
        UUID id = UUID.randomUUID();
        sessions.create(SessionRecord.creating(id, TestTenants.uniqueName("ended"), VmType.CODE_EXEC, null, List.of(),
                List.of(), 60_000, 60_000, endedAt.minusSeconds(60)), null, 5);
        assertThat(sessions.end(id, null, Set.of(SessionState.CREATING), SessionState.DELETED, "test", endedAt))
                .isPresent();
        return id;
    }
}
