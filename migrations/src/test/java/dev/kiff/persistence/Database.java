package dev.kiff.persistence;

import dev.kiff.testkit.EmbeddedPostgresServer;
import dev.kiff.testkit.SharedInfrastructure;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * The shared embedded PostgreSQL of the test JVM, migrated by the real Flyway scripts: every repository test connects
 * through here. Tests keep apart through fresh ids (of jobs, tenants, batches, deliveries), never by clearing tables.
 */
final class Database {

    private static boolean migrated;

    private Database() {
    }

    /** A new connection of its own (the caller closes it), to a database migrated to the latest script. */
    static synchronized Connection connect() throws SQLException {
        EmbeddedPostgresServer postgres = SharedInfrastructure.postgres();
        if (!migrated) {
            Flyway.configure()
                    .dataSource(postgres.jdbcUrl(), postgres.username(), postgres.password())
                    .load()
                    .migrate();
            migrated = true;
        }
        return DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(), postgres.password());
    }

    static DSLContext using(Connection connection) {
        return DSL.using(connection, SQLDialect.POSTGRES);
    }
}
