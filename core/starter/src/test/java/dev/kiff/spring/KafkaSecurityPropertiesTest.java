package dev.kiff.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

class KafkaSecurityPropertiesTest {

    @Test
    void setsNothingWhenEverythingIsBlank() {
        assertThat(new KafkaSecurityProperties("", " ", "", "", "", "", "", "").clientProperties()).isEmpty();
    }

    @Test
    void givesScramClientsAJaasLineThatKafkaReadsBackToTheSamePassword() {
        String password = "p\"a\\ss word;=";
        Map<String, String> properties = new KafkaSecurityProperties("SASL_SSL", "SCRAM-SHA-256", "kiff-worker",
                password, "/etc/kiff/truststore.p12", "changeit", null, null).clientProperties();

        assertThat(properties).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-256")
                .containsEntry("ssl.truststore.location", "/etc/kiff/truststore.p12")
                .containsEntry("ssl.truststore.password", "changeit")
                .doesNotContainKey("ssl.keystore.location");
        AppConfigurationEntry entry = JaasContext.loadClientContext(Map.of("sasl.jaas.config",
                new Password(properties.get("sasl.jaas.config")))).configurationEntries().get(0);
        Map<String, ?> options = entry.getOptions();
        assertThat(options.get("username")).isEqualTo("kiff-worker");
        assertThat(options.get("password")).isEqualTo(password);
    }

    @Test
    void defaultsTheMechanismToScramSha512() {
        assertThat(new KafkaSecurityProperties("SASL_PLAINTEXT", null, "u", "p", null, null, null, null)
                .clientProperties()).containsEntry("sasl.mechanism", "SCRAM-SHA-512");
    }

    @Test
    void refusesASaslProtocolWithoutAUser() {
        assertThatThrownBy(() -> new KafkaSecurityProperties("SASL_PLAINTEXT", null, null, null, null, null, null,
                null)).hasMessageContaining("kiff.kafka.username");
    }

    @Test
    void refusesAnUnknownProtocolOrMechanism() {
        assertThatThrownBy(() -> new KafkaSecurityProperties("SASL", null, "u", "p", null, null, null, null))
                .hasMessageContaining("security-protocol");
        assertThatThrownBy(() -> new KafkaSecurityProperties("SASL_SSL", "PLAIN", "u", "p", null, null, null, null))
                .hasMessageContaining("sasl-mechanism");
    }

    @Test
    void neverPrintsThePasswords() {
        assertThat(new KafkaSecurityProperties("SASL_SSL", null, "u", "secret-1", "t", "secret-2", "k", "secret-3"))
                .asString().doesNotContain("secret");
    }
}
