package dev.kiff.api.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The operator's key ({@code kiff.api.admin-key}) as a request's {@code Authorization: Bearer <key>} carries it,
 * compared in constant time so that it cannot be guessed a character at a time. No admin key set: nobody is the
 * admin.
 */
public final class AdminKey {

    private static final String BEARER = "Bearer ";

    private final String key;

    public AdminKey(String key) {
        this.key = key;
    }

    /** Whether the {@code Authorization} header value carries the admin key. */
    public boolean matches(String authorization) {
        if (key == null || key.isBlank() || authorization == null
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        String given = authorization.substring(BEARER.length()).trim();
        return MessageDigest.isEqual(key.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
