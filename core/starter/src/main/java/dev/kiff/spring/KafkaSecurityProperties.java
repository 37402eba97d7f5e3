package dev.kiff.spring;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How every Kafka client of a Kiff app authenticates to the brokers and checks them: the ones Spring Boot builds
 * ({@code spring.kafka.*}) and the ones Kiff builds by hand ({@link KafkaConnection}) alike. A blank value is unset:
 * with nothing set, clients speak PLAINTEXT, as to the embedded broker of {@code ./kiff dev}.
 *
 * @param securityProtocol   {@code PLAINTEXT}, {@code SASL_PLAINTEXT}, {@code SASL_SSL} or {@code SSL}
 *                           ({@code KIFF_KAFKA_SECURITY_PROTOCOL}); blank leaves {@code spring.kafka.security.protocol}
 *                           as it is
 * @param saslMechanism      {@code SCRAM-SHA-512} (when blank) or {@code SCRAM-SHA-256}, for the SASL protocols
 *                           ({@code KIFF_KAFKA_SASL_MECHANISM})
 * @param username           the SCRAM user of this service, e.g. {@code kiff-worker}; required by the SASL protocols
 *                           ({@code KIFF_KAFKA_USERNAME})
 * @param password           that user's password ({@code KIFF_KAFKA_PASSWORD}); required with a username
 * @param truststore         a JKS or PKCS12 file of the CAs that signed the brokers' certificates, for
 *                           {@code SASL_SSL} and {@code SSL}; blank trusts the JVM's own CAs
 *                           ({@code KIFF_KAFKA_TRUSTSTORE})
 * @param truststorePassword the truststore's password ({@code KIFF_KAFKA_TRUSTSTORE_PASSWORD})
 * @param keystore           a JKS or PKCS12 file with this service's certificate and key, for brokers that require
 *                           client certificates; blank sends none ({@code KIFF_KAFKA_KEYSTORE})
 * @param keystorePassword   the keystore's password, also used for its key ({@code KIFF_KAFKA_KEYSTORE_PASSWORD})
 */
@Validated
@ConfigurationProperties("kiff.kafka")
public record KafkaSecurityProperties(
        String securityProtocol,
        String saslMechanism,
        String username,
        String password,
        String truststore,
        String truststorePassword,
        String keystore,
        String keystorePassword) {

    private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL", "SSL");
    private static final Set<String> MECHANISMS = Set.of("SCRAM-SHA-256", "SCRAM-SHA-512");

    public KafkaSecurityProperties {
        securityProtocol = blankToNull(securityProtocol);
        saslMechanism = blankToNull(saslMechanism);
        username = blankToNull(username);
        password = blankToNull(password);
        truststore = blankToNull(truststore);
        truststorePassword = blankToNull(truststorePassword);
        keystore = blankToNull(keystore);
        keystorePassword = blankToNull(keystorePassword);
        if (securityProtocol != null && !PROTOCOLS.contains(securityProtocol)) {
            throw new IllegalArgumentException("kiff.kafka.security-protocol must be one of " + PROTOCOLS + ", not "
                    + securityProtocol);
        }
        if (saslMechanism != null && !MECHANISMS.contains(saslMechanism)) {
            throw new IllegalArgumentException("kiff.kafka.sasl-mechanism must be one of " + MECHANISMS + ", not "
                    + saslMechanism);
        }
        // A SASL protocol without a user would only fail later, at the first connection, with a vaguer message.
        if (sasl(securityProtocol) && (username == null || password == null)) {
            throw new IllegalArgumentException("kiff.kafka.username and kiff.kafka.password are required with "
                    + securityProtocol);
        }
        if (truststore == null && truststorePassword != null) {
            throw new IllegalArgumentException("kiff.kafka.truststore-password is set without kiff.kafka.truststore");
        }
        if (keystore == null && keystorePassword != null) {
            throw new IllegalArgumentException("kiff.kafka.keystore-password is set without kiff.kafka.keystore");
        }
    }

    /**
     * The Kafka client properties these settings stand for, only those that are set: {@code security.protocol},
     * {@code sasl.mechanism} and {@code sasl.jaas.config} for the SASL protocols, the {@code ssl.*} stores for the
     * TLS ones.
     */
    public Map<String, String> clientProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        if (securityProtocol != null) {
            properties.put("security.protocol", securityProtocol);
        }
        if (sasl(securityProtocol)) {
            properties.put("sasl.mechanism", saslMechanism == null ? "SCRAM-SHA-512" : saslMechanism);
            properties.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                    + " username=" + quoted(username) + " password=" + quoted(password) + ";");
        }
        if (truststore != null) {
            properties.put("ssl.truststore.location", truststore);
            if (truststorePassword != null) {
                properties.put("ssl.truststore.password", truststorePassword);
            }
        }
        if (keystore != null) {
            properties.put("ssl.keystore.location", keystore);
            if (keystorePassword != null) {
                properties.put("ssl.keystore.password", keystorePassword);
                properties.put("ssl.key.password", keystorePassword);
            }
        }
        return properties;
    }

    @Override
    public String toString() {
        // Never the passwords: this record may be logged by a failing bind.
        return "KafkaSecurityProperties[securityProtocol=" + securityProtocol + ", saslMechanism=" + saslMechanism
                + ", username=" + username + ", truststore=" + truststore + ", keystore=" + keystore + "]";
    }

    private static boolean sasl(String protocol) {
        return protocol != null && protocol.startsWith("SASL_");
    }

    /** A JAAS option value: quoted, with the quote and backslash escaped, so any password survives the parser. */
    static String quoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String blankToNull(String value) {
        // Not trimmed: a password may well end in a space.
        return value == null || value.isBlank() ? null : value;
    }
}
