package dev.kiff.core.trust;

import dev.kiff.model.trust.RecordSignature;
import dev.kiff.model.trust.SigningKey;
import java.util.Optional;

/**
 * Says who signed a Kafka record: the platform, a tenant, or no one believable. Tenant keys are looked up in
 * {@link ProducerKeys} (when given) on each record, so a rotated key stops working at once.
 */
public final class RecordVerifier {

    private final SigningKey platform;
    private final ProducerKeys producerKeys;

    /** @param producerKeys the tenants' keys, or null where only the platform signs (results, logs, control) */
    public RecordVerifier(SigningKey platform, ProducerKeys producerKeys) {
        this.platform = platform;
        this.producerKeys = producerKeys;
    }

    /** Who signed a record. */
    public sealed interface Signer {
        /** One of Kiff's own services. */
        record Platform() implements Signer {
        }

        /** A tenant's own producer, with its producer key. */
        record Tenant(String id) implements Signer {
        }

        /** No one: the reason says why. */
        record Refused(String reason) implements Signer {
        }
    }

    /**
     * @param header the {@value RecordSignature#HEADER} header's value, or null when the record has none
     */
    public Signer check(String topic, String key, byte[] value, String header) {
        if (header == null) {
            return new Signer.Refused("unsigned record: no " + RecordSignature.HEADER + " header");
        }
        Optional<RecordSignature> parsed = RecordSignature.parse(header);
        if (parsed.isEmpty()) {
            return new Signer.Refused("malformed " + RecordSignature.HEADER + " header");
        }
        RecordSignature signature = parsed.get();
        if (SigningKey.PLATFORM.equals(signature.keyId())) {
            return signature.matches(platform, topic, key, value) ? new Signer.Platform()
                    : new Signer.Refused("bad signature for key " + SigningKey.PLATFORM);
        }
        Optional<String> tenant = SigningKey.tenantOfKeyId(signature.keyId());
        if (tenant.isEmpty() || producerKeys == null) {
            return new Signer.Refused("unknown signing key " + printable(signature.keyId()));
        }
        Optional<String> written = producerKeys.find(tenant.get());
        if (written.isEmpty()) {
            return new Signer.Refused("unknown signing key " + printable(signature.keyId()));
        }
        return signature.matches(SigningKey.producer(written.get()), topic, key, value)
                ? new Signer.Tenant(tenant.get())
                : new Signer.Refused("bad signature for key " + printable(signature.keyId()));
    }

    /** Whether the record was signed by the platform key. */
    public boolean platformSigned(String topic, String key, byte[] value, String header) {
        return RecordSignature.parse(header).filter(s -> s.matches(platform, topic, key, value)).isPresent();
    }

    /** A key id as it may be quoted in a reason: bounded, printable. */
    private static String printable(String keyId) {
        String cut = keyId.length() > 80 ? keyId.substring(0, 80) + "..." : keyId;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
