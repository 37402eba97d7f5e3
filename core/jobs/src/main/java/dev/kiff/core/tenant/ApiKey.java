package dev.kiff.core.tenant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * An API key: {@code kiff_} and 256 random bits. Only its SHA-256 is stored; with that much entropy a fast hash
 * cannot be reversed by guessing, and lookups need no salt.
 */
public record ApiKey(String value) {

    private static final String PREFIX = "kiff_";

    public static ApiKey generate(SecureRandom random) {
        return new ApiKey(PREFIX + randomToken(random));
    }

    /** A random URL-safe token of 256 bits, for keys and webhook secrets. */
    public static String randomToken(SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The stored form of a key. */
    public static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    public String hash() {
        return hash(value);
    }

    /** The first characters, to tell keys apart without revealing them. */
    public String prefix() {
        return value.substring(0, Math.min(12, value.length()));
    }

    @Override
    public String toString() {
        return "ApiKey(" + prefix() + "…)";
    }
}
