package dev.kiff.core.trust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.model.trust.RecordSignature;
import dev.kiff.model.trust.SigningKey;
import dev.kiff.core.trust.RecordVerifier.Signer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecordSignatureTest {

    private static final SigningKey PLATFORM = SigningKey.platform("platform-key-of-at-least-32-characters!");
    private static final String TOPIC = "kiff.jobs.code-exec";
    private static final byte[] VALUE = "{\"tenant\":\"acme\"}".getBytes(StandardCharsets.UTF_8);

    private final Map<String, String> tenantKeys = new HashMap<>();
    private final ProducerKeys producerKeys = new ProducerKeys() {
        @Override
        public Optional<String> find(String tenant) {
            return Optional.ofNullable(tenantKeys.get(tenant));
        }

        @Override
        public void put(String tenant, String key) {
            tenantKeys.put(tenant, key);
        }
    };
    private final RecordVerifier verifier = new RecordVerifier(PLATFORM, producerKeys);

    private static String sign(SigningKey key, String topic, String recordKey, byte[] value) {
        return RecordSignature.of(key, topic, recordKey, value).headerValue();
    }

    @Test
    void acceptsARecordSignedWithThePlatformKey() {
        String header = sign(PLATFORM, TOPIC, "k1", VALUE);

        assertThat(header).startsWith("platform:");
        assertThat(verifier.check(TOPIC, "k1", VALUE, header)).isEqualTo(new Signer.Platform());
        assertThat(verifier.platformSigned(TOPIC, "k1", VALUE, header)).isTrue();
    }

    @Test
    void refusesARecordMovedToAnotherTopic() {
        String header = sign(PLATFORM, TOPIC, "k1", VALUE);

        assertThat(verifier.check("kiff.jobs.browser", "k1", VALUE, header)).isInstanceOf(Signer.Refused.class);
        assertThat(verifier.platformSigned("kiff.results", "k1", VALUE, header)).isFalse();
    }

    @Test
    void refusesARecordWithAnotherKey() {
        String header = sign(PLATFORM, TOPIC, "k1", VALUE);

        assertThat(verifier.check(TOPIC, "k2", VALUE, header)).isInstanceOf(Signer.Refused.class);
        assertThat(verifier.check(TOPIC, null, VALUE, header)).isInstanceOf(Signer.Refused.class);
    }

    @Test
    void refusesAnAlteredValue() {
        String header = sign(PLATFORM, TOPIC, "k1", VALUE);
        byte[] altered = "{\"tenant\":\"acmf\"}".getBytes(StandardCharsets.UTF_8);

        assertThat(verifier.check(TOPIC, "k1", altered, header)).isEqualTo(
                new Signer.Refused("bad signature for key platform"));
        assertThat(verifier.check(TOPIC, "k1", null, header)).isInstanceOf(Signer.Refused.class);
    }

    @Test
    void refusesATamperedHeader() {
        String header = sign(PLATFORM, TOPIC, "k1", VALUE);
        byte[] mac = Base64.getDecoder().decode(header.substring("platform:".length()));
        mac[0] ^= 1;

        assertThat(verifier.check(TOPIC, "k1", VALUE, "platform:" + Base64.getEncoder().encodeToString(mac)))
                .isEqualTo(new Signer.Refused("bad signature for key platform"));
        assertThat(verifier.check(TOPIC, "k1", VALUE, "platform:not base64!")).isEqualTo(
                new Signer.Refused("malformed kiff-signature header"));
        assertThat(verifier.check(TOPIC, "k1", VALUE, "platform")).isInstanceOf(Signer.Refused.class);
        assertThat(verifier.check(TOPIC, "k1", VALUE, null)).isEqualTo(
                new Signer.Refused("unsigned record: no kiff-signature header"));
    }

    @Test
    void keepsKeyAndValueApartSoBytesCannotMoveBetweenThem() {
        String header = sign(PLATFORM, TOPIC, "ab", "c".getBytes(StandardCharsets.UTF_8));

        assertThat(verifier.check(TOPIC, "a", "bc".getBytes(StandardCharsets.UTF_8), header))
                .isInstanceOf(Signer.Refused.class);
    }

    @Test
    void tellsANullValueFromAnEmptyOne() {
        String header = sign(PLATFORM, "kiff.control.workers", "w1", null);

        assertThat(verifier.platformSigned("kiff.control.workers", "w1", null, header)).isTrue();
        assertThat(verifier.platformSigned("kiff.control.workers", "w1", new byte[0], header)).isFalse();
    }

    @Test
    void namesTheTenantWhoseProducerKeySigned() {
        String written = SigningKey.newProducerKey("acme", new SecureRandom());
        producerKeys.put("acme", written);
        SigningKey acme = SigningKey.producer(written);

        String header = sign(acme, TOPIC, "k1", VALUE);

        assertThat(acme.id()).isEqualTo("tenant/acme");
        assertThat(header).startsWith("tenant/acme:");
        assertThat(verifier.check(TOPIC, "k1", VALUE, header)).isEqualTo(new Signer.Tenant("acme"));
        assertThat(verifier.platformSigned(TOPIC, "k1", VALUE, header)).isFalse();
    }

    @Test
    void refusesATenantKeyClaimingAnotherTenantsKeyId() {
        String acmeKey = SigningKey.newProducerKey("acme", new SecureRandom());
        producerKeys.put("acme", acmeKey);
        producerKeys.put("globex", SigningKey.newProducerKey("globex", new SecureRandom()));
        byte[] mac = RecordSignature.of(SigningKey.producer(acmeKey), TOPIC, "k1", VALUE).mac();

        String header = new RecordSignature("tenant/globex", mac).headerValue();

        assertThat(verifier.check(TOPIC, "k1", VALUE, header)).isEqualTo(
                new Signer.Refused("bad signature for key tenant/globex"));
    }

    @Test
    void refusesARotatedOrUnknownTenantKey() {
        String old = SigningKey.newProducerKey("acme", new SecureRandom());
        producerKeys.put("acme", old);
        String header = sign(SigningKey.producer(old), TOPIC, "k1", VALUE);
        producerKeys.put("acme", SigningKey.newProducerKey("acme", new SecureRandom()));

        assertThat(verifier.check(TOPIC, "k1", VALUE, header)).isInstanceOf(Signer.Refused.class);
        String stranger = sign(SigningKey.producer("kpk.nobody.abc"), TOPIC, "k1", VALUE);
        assertThat(verifier.check(TOPIC, "k1", VALUE, stranger)).isEqualTo(
                new Signer.Refused("unknown signing key tenant/nobody"));
    }

    @Test
    void refusesATenantKeyWhereOnlyThePlatformSigns() {
        String written = SigningKey.newProducerKey("acme", new SecureRandom());
        producerKeys.put("acme", written);
        RecordVerifier platformOnly = new RecordVerifier(PLATFORM, null);

        Signer signer = platformOnly.check(TOPIC, "k1", VALUE, sign(SigningKey.producer(written), TOPIC, "k1", VALUE));

        assertThat(signer).isInstanceOf(Signer.Refused.class);
    }

    @Test
    void matchesAVectorOtherClientsCanCheckAgainst() {
        // The same vector is in the Java and Python clients' tests: all three sign alike.
        SigningKey key = SigningKey.producer("kpk.acme.secret");

        assertThat(sign(key, "kiff.jobs.code-exec", "job-1", "{}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("tenant/acme:Yfm47rcDU+hIqb7IWdl7KYr+c+VxskAhLMOjCYFRdG4=");
    }
}
