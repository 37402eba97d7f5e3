package dev.kiff.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

/**
 * The worker's shipped settings put its HTTP endpoints (actuator) on this host's loopback, behind the internal key
 * filter; {@code KIFF_WORKER_BIND} moves them, as a container whose port is published needs. (The scheduler's
 * InternalBindIT shows the same settings refusing connections on a running server.)
 */
class InternalBindDefaultsTest {

    @Test
    void bindsToLoopbackUnlessToldOtherwise() throws Exception {
        assertThat(environment(Map.of()).getProperty("server.address")).isEqualTo("127.0.0.1");
        assertThat(environment(Map.of()).getProperty("kiff.internal.enabled")).isEqualTo("true");
        assertThat(environment(Map.of("KIFF_WORKER_BIND", "0.0.0.0")).getProperty("server.address"))
                .isEqualTo("0.0.0.0");
        assertThat(environment(Map.of("KIFF_INTERNAL_KEY", "k")).getProperty("kiff.internal.key")).isEqualTo("k");
    }

    private static StandardEnvironment environment(Map<String, Object> variables) throws Exception {
        StandardEnvironment environment = new StandardEnvironment();
        // Only what the test says: the machine's own variables must not decide the outcome.
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().addFirst(new MapPropertySource("variables", variables));
        new YamlPropertySourceLoader().load("worker", new ClassPathResource("application.yml"))
                .forEach(environment.getPropertySources()::addLast);
        return environment;
    }
}
