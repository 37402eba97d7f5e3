package dev.kiff.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.model.output.LogChunk;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The jOOQ log store on a real PostgreSQL migrated by the real Flyway scripts. */
class JooqLogStoreIT {

    private static Connection connection;
    private static JooqLogStore logs;

    @BeforeAll
    static void migrateAndConnect() throws SQLException {
        connection = Database.connect();
        logs = new JooqLogStore(Database.using(connection));
    }

    @AfterAll
    static void disconnect() throws SQLException {
        if (connection != null) {
            connection.close();
        }
    }

    @Test
    void readsTheChunksAfterAPointInOrderAcrossAttempts() {
        UUID job = UUID.randomUUID();
        LogChunk start1 = chunk(job, 1, 0, LogChunk.START, "");
        LogChunk out1 = chunk(job, 1, 1, LogChunk.STDOUT, "first run\n");
        LogChunk err1 = chunk(job, 1, 2, LogChunk.STDERR, "worker lost\n");
        LogChunk start2 = chunk(job, 2, 0, LogChunk.START, "");
        LogChunk out2 = chunk(job, 2, 1, LogChunk.STDOUT, "second run\n");
        LogChunk otherJob = chunk(UUID.randomUUID(), 1, 1, LogChunk.STDOUT, "someone else\n");

        logs.append(List.of(out2, err1, otherJob, start1));
        logs.append(List.of(start2));
        logs.append(List.of(out1));

        assertThat(logs.read(job, 0, -1)).containsExactly(start1, out1, err1, start2, out2);
        assertThat(logs.read(job, 1, 1)).containsExactly(err1, start2, out2);
        assertThat(logs.read(job, 1, 2)).containsExactly(start2, out2);
        assertThat(logs.read(job, 2, 0)).containsExactly(out2);
        assertThat(logs.read(job, 2, 1)).isEmpty();
        assertThat(logs.read(UUID.randomUUID(), 0, -1)).isEmpty();
    }

    @Test
    void keepsAChunkAppendedTwiceOnce() {
        UUID job = UUID.randomUUID();
        LogChunk first = chunk(job, 1, 1, LogChunk.STDOUT, "once\n");
        LogChunk second = chunk(job, 1, 2, LogChunk.STDOUT, "twice\n");

        logs.append(List.of(first));
        logs.append(List.of(first));
        logs.append(List.of(first, second, chunk(job, 1, 2, LogChunk.STDOUT, "redelivered\n")));

        assertThat(logs.read(job, 0, -1)).containsExactly(first, second);
    }

    @Test
    void keepsNulAndNonAsciiTextAsWritten() {
        UUID job = UUID.randomUUID();
        LogChunk alone = chunk(job, 1, 1, LogChunk.STDOUT, "before\0after ünïcödé 日本語 🎉\n");
        LogChunk inABatch = chunk(job, 1, 2, LogChunk.STDERR, "\0\0 Fehler: Größe\n");
        LogChunk notice = chunk(job, 1, 3, LogChunk.NOTICE, "Ausgabe gekürzt … ✂");

        logs.append(List.of(alone));
        logs.append(List.of(inABatch, notice));

        assertThat(logs.read(job, 0, -1)).containsExactly(alone, inABatch, notice);
        assertThat(logs.read(job, 0, -1).get(0).data()).contains("\0");
    }

    /** A chunk as the store gives it back: the store keeps no tenant (the job has it). */
    private static LogChunk chunk(UUID job, int attempt, int seq, String stream, String data) {
        Instant at = Jobs.STARTED_AT.plusMillis(attempt * 1000L + seq);
        return new LogChunk(LogChunk.VERSION, job, null, attempt, seq, stream, data, at);
    }
}
