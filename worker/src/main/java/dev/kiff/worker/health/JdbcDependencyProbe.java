package dev.kiff.worker.health;

import com.zaxxer.hikari.HikariDataSource;
import dev.kiff.model.failure.TransientFailure;
import dev.kiff.core.health.DependencyProbe;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * Asks the database with a connection of its own, opened past the application's pool: the pool would keep a caller
 * waiting for its whole connection timeout, and a pooled connection could answer for a server that no longer
 * accepts new ones.
 */
public final class JdbcDependencyProbe implements DependencyProbe {

    private final String url;
    private final Properties connection = new Properties();
    private final int timeoutSeconds;

    /** @param timeout how long connecting, and the check on the connection, may each take */
    public JdbcDependencyProbe(String url, String username, String password, Properties driverProperties,
            Duration timeout) {
        this.url = url;
        this.timeoutSeconds = (int) Math.max(1, timeout.toSeconds());
        // As the pool connects (TLS and the like), but for the timeouts below.
        connection.putAll(driverProperties);
        if (username != null) {
            connection.setProperty("user", username);
        }
        if (password != null) {
            connection.setProperty("password", password);
        }
        // PostgreSQL's driver reads these (seconds); other drivers ignore what they do not know.
        connection.setProperty("connectTimeout", Integer.toString(timeoutSeconds));
        connection.setProperty("loginTimeout", Integer.toString(timeoutSeconds));
        connection.setProperty("socketTimeout", Integer.toString(timeoutSeconds));
        connection.setProperty("ApplicationName", "kiff-worker-probe");
    }

    /** The probe of the database behind the application's pool, connecting as the pool does. */
    public static JdbcDependencyProbe of(HikariDataSource pool, Duration timeout) {
        return new JdbcDependencyProbe(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword(),
                pool.getDataSourceProperties(), timeout);
    }

    @Override
    public void probe() {
        try (Connection probe = DriverManager.getConnection(url, connection)) {
            if (!probe.isValid(timeoutSeconds)) {
                throw new TransientFailure("the database did not answer within " + timeoutSeconds + " s");
            }
        } catch (SQLException e) {
            throw new TransientFailure("the database refused a connection: " + e.getMessage(), e);
        }
    }
}
