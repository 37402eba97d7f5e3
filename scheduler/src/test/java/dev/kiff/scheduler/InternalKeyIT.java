package dev.kiff.scheduler;

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
 * The scheduler bound to every interface, as in a container whose port is published: with {@code KIFF_INTERNAL_KEY}
 * set, a caller from another address of this machine gets 401 without the key and its answer with it, while this
 * host's loopback needs none.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "kiff.scheduler.lag-interval=1h", "server.address=0.0.0.0", "kiff.internal.key=" + InternalKeyIT.KEY})
class InternalKeyIT {

    static final String KEY = "internal-test-key";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Value("${local.server.port}")
    int port;

    @DynamicPropertySource
    static void infra(DynamicPropertyRegistry registry) {
        SharedInfrastructure.springProperties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @Test
    void asksCallersFromOtherAddressesForTheInternalKey() throws Exception {
        List<String> hosts = new ArrayList<>();
        for (InetAddress own : LocalAddresses.nonLoopback()) {
            hosts.add(own.getHostAddress());
        }
        for (String path : List.of("/v1/lag", "/actuator/metrics", "/actuator/prometheus")) {
            assertThat(status("127.0.0.1", path, null)).as("loopback, no key: " + path).isEqualTo(200);
            for (String host : hosts) {
                assertThat(status(host, path, null)).as(host + " without the key: " + path).isEqualTo(401);
                assertThat(status(host, path, "wrong")).as(host + " with a wrong key: " + path).isEqualTo(401);
                assertThat(status(host, path, KEY)).as(host + " with the key: " + path).isEqualTo(200);
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
