package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.api.ApiClient.Reply;
import dev.kiff.testkit.SharedInfrastructure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The API with no broker to talk to: a submission fails fast with 503, and the stored job says it was not queued. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.kafka.producer.properties.max.block.ms=1000",
        "kiff.api.publish-timeout=2s",
        "kiff.api.retry-after=7s",
        "spring.kafka.admin.fail-fast=false",
        "spring.kafka.admin.auto-create=false"})
// Its producer would keep reconnecting to the closed port for the rest of the test JVM.
@DirtiesContext
class BrokerDownIT {

    private static final String BOOTSTRAP_SERVERS = "spring.kafka.bootstrap-servers";

    @Value("${local.server.port}")
    int port;
    @Autowired
    DataSource dataSource;

    @DynamicPropertySource
    static void infra(DynamicPropertyRegistry registry) {
        String noBroker = "localhost:" + closedPort();
        SharedInfrastructure.springProperties().forEach((key, value) -> registry.add(key,
                () -> key.equals(BOOTSTRAP_SERVERS) ? noBroker : value));
    }

    @Test
    void answers503WithRetryAfterAndStoresTheJobAsRejected() {
        String code = "print('no broker " + UUID.randomUUID() + "')";

        Reply reply = new ApiClient(port).postJob(JobRequests.python(code).json());

        assertThat(reply.status()).as(reply.toString()).isEqualTo(503);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.header("Retry-After")).isEqualTo("7");
        assertThat(reply.json().path("detail").asString()).contains("not queued");
        List<Map<String, Object>> stored = new JobRows(dataSource).withCode(code);
        assertThat(stored).singleElement().satisfies(row -> {
            assertThat(row.get("status")).isEqualTo("REJECTED");
            assertThat((String) row.get("message")).startsWith("not queued");
        });
    }

    /** A local port nothing listens on: bound once to learn a free number, then closed. */
    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
