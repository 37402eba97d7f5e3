package dev.kiff.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiff.testkit.LocalAddresses;
import dev.kiff.testkit.SharedInfrastructure;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The scheduler's HTTP endpoints (its lag and scaling reports, its actuator) with the shipped defaults: bound to this
 * host's loopback, so a connection to any other address of this machine is refused.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "kiff.scheduler.lag-interval=1h")
class InternalBindIT {

    @Value("${local.server.port}")
    int port;
    @Autowired
    Environment environment;

    @DynamicPropertySource
    static void infra(DynamicPropertyRegistry registry) {
        SharedInfrastructure.springProperties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @Test
    void listensOnLoopbackOnlyByDefault() throws Exception {
        try (Socket loopback = new Socket()) {
            loopback.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            assertThat(loopback.isConnected()).isTrue();
        }
        // Every other address of this very machine: nothing listens there (none on a host with loopback only).
        for (InetAddress own : LocalAddresses.nonLoopback()) {
            assertThatThrownBy(() -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(own, port), 5_000);
                }
            }).as("connection to %s:%d", own.getHostAddress(), port).isInstanceOf(ConnectException.class);
        }
        assertThat(environment.getProperty("server.address")).isEqualTo("127.0.0.1");
    }
}
