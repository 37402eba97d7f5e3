package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.testkit.LocalAddresses;
import dev.kiff.testkit.SharedInfrastructure;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The API bound to every interface, as it is in production: its metrics ({@code /actuator/prometheus}, which name
 * tenants) answer this host's loopback, and any other caller only with the admin key; a tenant's key is not enough.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "server.address=0.0.0.0")
class ActuatorGuardIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Value("${local.server.port}")
    int port;

    @DynamicPropertySource
    static void infra(DynamicPropertyRegistry registry) {
        SharedInfrastructure.springProperties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @Test
    void servesMetricsToLoopbackAndToTheAdminKeyOnly() throws Exception {
        List<String> hosts = new ArrayList<>();
        for (InetAddress own : LocalAddresses.nonLoopback()) {
            hosts.add(own.getHostAddress());
        }
        assertThat(hosts).as("this test needs an address of this host that is not loopback").isNotEmpty();
        for (String path : List.of("/actuator/prometheus", "/actuator/metrics")) {
            assertThat(status("127.0.0.1", path, null)).as("loopback, no key: " + path).isEqualTo(200);
            for (String host : hosts) {
                assertThat(status(host, path, null)).as(host + " without a key: " + path).isEqualTo(401);
                assertThat(status(host, path, ApiClient.ACME_KEY)).as(host + " with a tenant's key: " + path)
                        .isEqualTo(401);
                assertThat(status(host, path, ApiClient.ADMIN_KEY)).as(host + " with the admin key: " + path)
                        .isEqualTo(200);
            }
        }
    }

    private int status(String host, String path, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                .timeout(Duration.ofSeconds(10)).GET();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
