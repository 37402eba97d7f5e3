package dev.kiff.api;

import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/** Reads the {@code jobs} table straight over JDBC, beside the code under test. */
final class JobRows {

    private final JdbcTemplate jdbc;

    JobRows(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    long count() {
        return jdbc.queryForObject("SELECT count(*) FROM jobs", Long.class);
    }

    long countWithId(String id) {
        return jdbc.queryForObject("SELECT count(*) FROM jobs WHERE id = ?::uuid", Long.class, id);
    }

    /** When the job was marked published (its record acknowledged by the broker); null while it is not. */
    Timestamp publishedAt(String id) {
        return jdbc.queryForObject("SELECT published_at FROM jobs WHERE id = ?::uuid", Timestamp.class, id);
    }

    /** The runs the job may have in all, its attempts used included (a requeue adds its retry budget again). */
    int maxAttempts(String id) {
        return jdbc.queryForObject("SELECT max_attempts FROM jobs WHERE id = ?::uuid", Integer.class, id);
    }

    /** How many of the batch's jobs are not marked published yet. */
    long unpublishedInBatch(String batchId) {
        return jdbc.queryForObject("SELECT count(*) FROM jobs WHERE batch_id = ?::uuid AND published_at IS NULL",
                Long.class, batchId);
    }

    /** The rows whose submitted code is exactly {@code code}: status and message of each. */
    List<Map<String, Object>> withCode(String code) {
        return jdbc.queryForList("SELECT id, status, message FROM jobs WHERE spec->>'code' = ?", code);
    }
}
