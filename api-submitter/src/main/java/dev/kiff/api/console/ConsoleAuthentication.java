package dev.kiff.api.console;

import dev.kiff.api.ApiProperties;
import dev.kiff.api.auth.ApiKeyAuthenticator;
import dev.kiff.api.auth.UnauthorizedException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.http.ResponseCookie;

/**
 * The console's key: the browser holds the API key the person logged in with in an HttpOnly, SameSite=Strict cookie
 * scoped to {@code /console}, so no script can read it, no other site's page can send it, and the REST API under
 * {@code /v1} never receives it (it keeps requiring {@code Authorization: Bearer}). The key is checked on every
 * request as the API checks its bearer keys ({@link ApiKeyAuthenticator}, the admin key in constant time): a key
 * removed from the tenants table stops working in the console too. Forms that change something carry a CSRF token
 * derived from the key (an HMAC), which a page of another origin cannot know; SameSite=Strict already keeps the
 * cookie off cross-site requests, the token is the second lock for browsers that ignore SameSite.
 */
public final class ConsoleAuthentication {

    /** The cookie holding the key. */
    public static final String COOKIE = "kiff_console";
    /** The form field carrying the CSRF token. */
    public static final String CSRF_FIELD = "csrf";
    static final String PATH = "/console";

    private final ApiKeyAuthenticator authenticator;
    private final ApiProperties properties;

    public ConsoleAuthentication(ApiKeyAuthenticator authenticator, ApiProperties properties) {
        this.authenticator = authenticator;
        this.properties = properties;
    }

    /** The viewer whose key the request's cookie holds; empty without a cookie or with a key no longer valid. */
    public Optional<ConsoleViewer> viewer(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        for (Cookie cookie : cookies) {
            if (COOKIE.equals(cookie.getName())) {
                return viewerOf(cookie.getValue());
            }
        }
        return Optional.empty();
    }

    /** The viewer a key is: the admin's, a tenant's, or nobody's. */
    public Optional<ConsoleViewer> viewerOf(String key) {
        if (key == null || key.isBlank()) {
            return Optional.empty();
        }
        String trimmed = key.trim();
        if (adminKey(trimmed)) {
            return Optional.of(new ConsoleViewer(null, csrfToken(trimmed)));
        }
        try {
            return Optional.of(new ConsoleViewer(authenticator.authenticate("Bearer " + trimmed), csrfToken(trimmed)));
        } catch (UnauthorizedException e) {
            return Optional.empty();
        }
    }

    /** Whether a form's token is the viewer's, compared in constant time. */
    public static boolean csrfMatches(ConsoleViewer viewer, String given) {
        return given != null && MessageDigest.isEqual(viewer.csrfToken().getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }

    /** The cookie that logs the browser in with {@code key}; {@code secure} when the request came over HTTPS. */
    public static ResponseCookie loginCookie(String key, boolean secure) {
        return ResponseCookie.from(COOKIE, key.trim()).path(PATH).httpOnly(true).sameSite("Strict").secure(secure)
                .build();
    }

    /** The cookie that logs the browser out. */
    public static ResponseCookie logoutCookie(boolean secure) {
        return ResponseCookie.from(COOKIE, "").path(PATH).httpOnly(true).sameSite("Strict").secure(secure)
                .maxAge(0).build();
    }

    private boolean adminKey(String given) {
        String adminKey = properties.adminKey();
        return adminKey != null && !adminKey.isBlank() && MessageDigest.isEqual(
                adminKey.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    /** Stateless, so it survives a restart and holds across API instances; unknowable without the key. */
    private static String csrfToken(String key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal("kiff-console-csrf".getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
        }
    }
}
