package dev.kiff.api;

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

    /** The rows whose submitted code is exactly {@code code}: status and message of each. */
    List<Map<String, Object>> withCode(String code) {
        return jdbc.queryForList("SELECT id, status, message FROM jobs WHERE spec->>'code' = ?", code);
    }
}
