package dev.kiff.spring;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/**
 * Where the brokers are and how to reach them: {@code bootstrap.servers} with the security settings (protocol,
 * SASL, TLS) and the common client properties of {@code spring.kafka.*}, for the clients Kiff builds by hand (the
 * control-topic tails, the scheduler's leadership) so that they connect exactly as the ones Spring Boot builds.
 *
 * @param properties the connection's client properties; the client's own settings go on top
 */
public record KafkaConnection(Map<String, Object> properties) {

    public KafkaConnection {
        properties = Map.copyOf(properties);
    }

    /** The connection Spring Boot's clients use, including {@link KafkaSecurityProperties} (applied to it). */
    public static KafkaConnection of(KafkaProperties kafka) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", kafka.getBootstrapServers()));
        properties.putAll(kafka.getSecurity().buildProperties());
        properties.putAll(kafka.getSsl().buildProperties());
        properties.putAll(kafka.getProperties());
        return new KafkaConnection(properties);
    }

    /** A client's whole configuration: this connection and then {@code client}'s own settings. */
    public Map<String, Object> with(Map<String, ?> client) {
        Map<String, Object> config = new HashMap<>(properties);
        config.putAll(client);
        return config;
    }

    @Override
    public String toString() {
        // Never the JAAS line: it carries the password.
        return "KafkaConnection[" + properties.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG) + ", "
                + properties.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT") + "]";
    }
}
