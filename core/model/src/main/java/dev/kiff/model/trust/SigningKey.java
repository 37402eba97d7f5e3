package dev.kiff.model.trust;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * A key Kafka records are signed with (see {@link RecordSignature}): the platform's, which Kiff's own services
 * share, or a tenant's producer key, which proves only that tenant. The secret is the UTF-8 bytes of the key as it is
 * written ({@code kpk.<tenant>.<random>} for a tenant), so every client signs with the string it was given.
 *
 * @param id which key it is: {@value #PLATFORM} or {@code tenant/<tenant id>}
 */
public record SigningKey(String id, byte[] secret) {

    /** The key id of the platform key. */
    public static final String PLATFORM = "platform";

    private static final String TENANT_ID_PREFIX = "tenant/";
    private static final String PRODUCER_KEY_PREFIX = "kpk.";

    /** The shortest platform key accepted: 32 characters (a random key of at least 128 bits, written out). */
    public static final int MIN_PLATFORM_KEY_LENGTH = 32;

    public SigningKey {
        if (secret.length == 0) {
            throw new IllegalArgumentException("a signing key cannot be empty");
        }
    }

    /** The platform key, from its configured value. */
    public static SigningKey platform(String value) {
        if (value == null || value.length() < MIN_PLATFORM_KEY_LENGTH) {
            throw new IllegalArgumentException("the record key (kiff.kafka.record-key, KIFF_RECORD_KEY) must be set,"
                    + " at least " + MIN_PLATFORM_KEY_LENGTH + " characters");
        }
        return new SigningKey(PLATFORM, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A tenant's producer key from its written form {@code kpk.<tenant>.<random>}; the tenant is in the key. */
    public static SigningKey producer(String written) {
        return tenantOfProducerKey(written)
                .map(tenant -> new SigningKey(tenantKeyId(tenant), written.getBytes(StandardCharsets.UTF_8)))
                .orElseThrow(() -> new IllegalArgumentException("not a Kiff producer key (kpk.<tenant>.<random>)"));
    }

    /** A fresh producer key for {@code tenant}, written out: 256 random bits. */
    public static String newProducerKey(String tenant, SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return PRODUCER_KEY_PREFIX + tenant + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The key id of {@code tenant}'s producer key. */
    public static String tenantKeyId(String tenant) {
        return TENANT_ID_PREFIX + tenant;
    }

    /** The tenant a key id names, or empty for the platform's (or an unknown form). */
    public static Optional<String> tenantOfKeyId(String keyId) {
        return keyId.startsWith(TENANT_ID_PREFIX) && keyId.length() > TENANT_ID_PREFIX.length()
                ? Optional.of(keyId.substring(TENANT_ID_PREFIX.length())) : Optional.empty();
    }

    private static Optional<String> tenantOfProducerKey(String written) {
        if (written == null || !written.startsWith(PRODUCER_KEY_PREFIX)) {
            return Optional.empty();
        }
        int dot = written.indexOf('.', PRODUCER_KEY_PREFIX.length());
        if (dot <= PRODUCER_KEY_PREFIX.length() || dot == written.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(written.substring(PRODUCER_KEY_PREFIX.length(), dot));
    }

    @Override
    public String toString() {
        return "SigningKey(id=" + id + ")"; // never the secret
    }
}
