package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.api.ApiClient.Reply;
import dev.kiff.testkit.EmbeddedPostgresServer;
import dev.kiff.testkit.SharedInfrastructure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * PostgreSQL stopped under a running API, as {@code ./kiff chaos} stops it: a submission is answered 503 with
 * {@code Retry-After} (platform trouble, try again), not 500; a key that cannot be checked meanwhile too, not 500 and
 * not 401. Once the database is back, the same submission, with the same Idempotency-Key, is accepted.
 *
 * <p>A database of its own, stopped and started again on the same port and data: the shared one serves every other
 * test of this JVM.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        // A connection that cannot be had fails in a second, not after Hikari's default 30 s.
        "spring.datasource.hikari.connection-timeout=1000",
        "kiff.api.retry-after=7s"})
// Its loops would keep failing against the stopped database for the rest of the test JVM.
@DirtiesContext
class DatabaseDownIT {

    private static final int DB_PORT = freePort();
    private static final Path DATA = temporaryDirectory();
    private static EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(DB_PORT, DATA);

    @Value("${local.server.port}")
    int port;

    @DynamicPropertySource
    static void infra(DynamicPropertyRegistry registry) {
        SharedInfrastructure.springProperties().forEach((key, value) -> registry.add(key, () -> value));
        registry.add("spring.datasource.url", postgres::jdbcUrl);
    }

    @AfterAll
    static void stopDatabase() {
        postgres.close();
    }

    @Test
    void answers503WithRetryAfterWhileTheDatabaseIsDownAndTakesTheSameSubmissionOnceItIsBack() {
        ApiClient api = new ApiClient(port);
        String body = JobRequests.python("print('database down " + UUID.randomUUID() + "')").json();
        Map<String, String> key = Map.of("Idempotency-Key", UUID.randomUUID().toString());
        // The development tenant's key is checked once now, and then known for a while (kiff.api.auth-cache).
        assertThat(api.get("/v1/tenant").status()).isEqualTo(200);

        postgres.close();
        Reply refused = api.postJob(body, "application/json", key);
        Reply unknownKey = new ApiClient(port, "kiff_test_never_seen_key").postJob(body, "application/json", key);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.header("Retry-After")).isEqualTo("7");
        assertThat(unknownKey.status()).as(unknownKey.toString()).isEqualTo(503);
        assertThat(unknownKey.header("Retry-After")).isEqualTo("7");

        postgres = EmbeddedPostgresServer.start(DB_PORT, DATA);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Reply accepted = api.postJob(body, "application/json", key);
            assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        });
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("kiff-database-down");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
