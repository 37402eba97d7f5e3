package dev.kiff.model.trust;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The proof a Kafka record carries of who produced it: header {@value #HEADER} with the value
 * {@code <keyId>:<base64 of HMAC-SHA256>}. The MAC covers the topic, the key and the value, so a signed record cannot
 * be moved to another topic, re-keyed or altered. The signed bytes are the ASCII tag {@code kiff-record-v1}, then for
 * each of topic (UTF-8), key (UTF-8) and value: its length as a 4-byte big-endian signed integer ({@code -1} for a
 * null key or value, a tombstone) followed by its bytes. Other headers are not covered.
 *
 * @param keyId which key made it: {@value SigningKey#PLATFORM} or {@code tenant/<tenant id>}
 * @param mac   the HMAC-SHA256
 */
public record RecordSignature(String keyId, byte[] mac) {

    /** The header a signed record carries. */
    public static final String HEADER = "kiff-signature";

    private static final byte[] TAG = "kiff-record-v1".getBytes(StandardCharsets.US_ASCII);

    /** The signature of one record under {@code key}. */
    public static RecordSignature of(SigningKey key, String topic, String recordKey, byte[] value) {
        return new RecordSignature(key.id(), mac(key.secret(), topic, recordKey, value));
    }

    /** The header's value, or empty when it is not of the form {@code <keyId>:<base64>}. */
    public static Optional<RecordSignature> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        int colon = header.lastIndexOf(':');
        if (colon <= 0 || colon == header.length() - 1) {
            return Optional.empty();
        }
        try {
            byte[] mac = Base64.getDecoder().decode(header.substring(colon + 1));
            return mac.length == 32 ? Optional.of(new RecordSignature(header.substring(0, colon), mac))
                    : Optional.empty();
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }

    /** Whether this is the signature {@code key} makes of the record (compared in constant time). */
    public boolean matches(SigningKey key, String topic, String recordKey, byte[] value) {
        return key.id().equals(keyId) && MessageDigest.isEqual(mac, mac(key.secret(), topic, recordKey, value));
    }

    /** The header's value. */
    public String headerValue() {
        return keyId + ":" + Base64.getEncoder().encodeToString(mac);
    }

    static byte[] mac(byte[] secret, String topic, String recordKey, byte[] value) {
        ByteArrayOutputStream signed = new ByteArrayOutputStream(64 + (value == null ? 0 : value.length));
        signed.writeBytes(TAG);
        field(signed, topic.getBytes(StandardCharsets.UTF_8));
        field(signed, recordKey == null ? null : recordKey.getBytes(StandardCharsets.UTF_8));
        field(signed, value);
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return hmac.doFinal(signed.toByteArray());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
        }
    }

    private static void field(ByteArrayOutputStream out, byte[] bytes) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(bytes == null ? -1 : bytes.length).array());
        if (bytes != null) {
            out.writeBytes(bytes);
        }
    }

    @Override
    public String toString() {
        return "RecordSignature(keyId=" + keyId + ")";
    }
}
