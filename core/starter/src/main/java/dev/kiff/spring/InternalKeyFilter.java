package dev.kiff.spring;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Closes an internal application's HTTP endpoints to every caller but this host's loopback and holders of the
 * internal key: 401 problem+json otherwise. A loopback caller (the operator on the host, {@code ./kiff}, a container's
 * own health check) needs no key.
 */
public final class InternalKeyFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(InternalKeyFilter.class);
    private static final String BEARER = "Bearer ";

    private final byte[] key;

    public InternalKeyFilter(String key) {
        this.key = key.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (loopback(request.getRemoteAddr()) || holdsKey(request.getHeader("Authorization"))) {
            chain.doFilter(request, response);
            return;
        }
        log.warn("request refused (401): {} {} from {} without the internal key", request.getMethod(),
                request.getRequestURI(), request.getRemoteAddr());
        byte[] body = ("{\"type\":\"urn:kiff:problem:unauthorized\",\"title\":\"Unauthorized\",\"status\":401,"
                + "\"detail\":\"this internal endpoint needs 'Authorization: Bearer <internal key>'\"}")
                .getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader("WWW-Authenticate", "Bearer realm=\"kiff-internal\"");
        response.setContentType("application/problem+json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** Constant-time, so the key cannot be guessed a character at a time. */
    private boolean holdsKey(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        return MessageDigest.isEqual(key,
                authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8));
    }

    private static boolean loopback(String remoteAddress) {
        try {
            // An address literal from the socket: no name is looked up.
            return remoteAddress != null && InetAddress.getByName(remoteAddress).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }
}
