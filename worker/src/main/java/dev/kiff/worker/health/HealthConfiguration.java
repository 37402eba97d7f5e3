package dev.kiff.worker.health;

import com.github.dockerjava.api.DockerClient;
import com.zaxxer.hikari.HikariDataSource;
import dev.kiff.core.health.Dependency;
import dev.kiff.core.health.DependencyHealth;
import dev.kiff.core.health.DependencyProbe;
import dev.kiff.worker.WorkerProperties;
import dev.kiff.worker.docker.DockerClients;
import dev.kiff.worker.docker.DockerProperties;
import java.time.Clock;
import java.util.Map;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Whether the database and the Docker engine answer: what pauses the worker through an outage. */
@Configuration(proxyBeanMethods = false)
public class HealthConfiguration {

    /** A client of its own, so that a probe waits no longer than its timeout, and never behind job calls. */
    @Bean(destroyMethod = "close")
    DockerClient dockerProbeClient(DockerProperties docker, WorkerProperties worker) {
        return DockerClients.create(docker.host(), worker.probeTimeout(), worker.probeTimeout(), 2);
    }

    @Bean
    DependencyHealth dependencyHealth(DataSource dataSource, DockerClient dockerProbeClient, WorkerProperties worker,
            Clock clock) throws SQLException {
        DependencyProbe database = JdbcDependencyProbe.of(dataSource.unwrap(HikariDataSource.class),
                worker.probeTimeout());
        return new DependencyHealth(Map.of(Dependency.DATABASE, database,
                Dependency.SANDBOX_ENGINE, new DockerDependencyProbe(dockerProbeClient)), clock);
    }
}
