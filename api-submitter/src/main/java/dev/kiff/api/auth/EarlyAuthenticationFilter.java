package dev.kiff.api.auth;

import dev.kiff.api.ApiProperties;
import dev.kiff.api.mcp.McpTenant;
import dev.kiff.api.web.ProblemWriter;
import dev.kiff.core.tenant.Tenant;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Checks who is calling before anything of the request body is read, so a caller without a key costs no parsing and
 * cannot hold a thread by sending a body that never ends: the admin API ({@code /v1/admin/**}) takes the admin key;
 * any other {@code /v1/**} request that carries a body takes a tenant's key; the actuator ({@code /actuator/**})
 * answers calls from this host's loopback, and elsewhere only with the admin key; every request to the MCP endpoint
 * ({@code /mcp}, any method) takes a tenant's key, and that tenant is what its tools act as. The controllers check
 * again as they always did (the tenant through {@link TenantArgumentResolver}); this filter only moves the refusal
 * ahead.
 */
public final class EarlyAuthenticationFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(EarlyAuthenticationFilter.class);
    private static final String BEARER = "Bearer ";

    private final ApiKeyAuthenticator authenticator;
    private final ApiProperties properties;
    private final ProblemWriter problems;

    public EarlyAuthenticationFilter(ApiKeyAuthenticator authenticator, ApiProperties properties,
            ProblemWriter problems) {
        this.authenticator = authenticator;
        this.properties = properties;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI();
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (under(path, "/v1/admin")) {
            if (!adminKey(authorization)) {
                refuse(request, response, "the admin API needs 'Authorization: Bearer <admin key>'");
                return;
            }
        } else if (under(path, "/actuator")) {
            if (!loopback(request.getRemoteAddr()) && !adminKey(authorization)) {
                refuse(request, response, "the actuator answers this host's loopback, or the admin key");
                return;
            }
        } else if (under(path, "/mcp") || (under(path, "/v1") && ProblemWriter.hasBody(request))) {
            try {
                Tenant tenant = authenticator.authenticate(authorization);
                if (under(path, "/mcp")) {
                    // The MCP servlet has no argument resolver: its tools read the tenant from here (McpTenant).
                    request.setAttribute(McpTenant.ATTRIBUTE, tenant);
                }
            } catch (UnauthorizedException e) {
                refuse(request, response, e.getMessage());
                return;
            } catch (DataAccessResourceFailureException | TransientDataAccessException e) {
                // The key cannot be checked while the database is away: 503, try again, as ProblemAdvice answers.
                log.error("request failed (503), the database is unavailable: {}", e.getMessage());
                response.setHeader(HttpHeaders.RETRY_AFTER,
                        String.valueOf(Math.max(1, properties.retryAfter().toSeconds())));
                problems.write(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "unavailable",
                        "Service unavailable", "the database is unavailable; try again", Map.of());
                return;
            }
        }
        chain.doFilter(request, response);
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    /** Constant-time, so the key cannot be guessed a character at a time; no admin key set: nothing matches. */
    private boolean adminKey(String authorization) {
        String adminKey = properties.adminKey();
        if (adminKey == null || adminKey.isBlank() || authorization == null
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        String given = authorization.substring(BEARER.length()).trim();
        return MessageDigest.isEqual(adminKey.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean loopback(String remoteAddress) {
        try {
            // An address literal from the socket: no name is looked up.
            return remoteAddress != null && InetAddress.getByName(remoteAddress).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, String detail) throws IOException {
        log.warn("request refused (401): {} {}: {}", request.getMethod(), request.getRequestURI(), detail);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"kiff\"");
        if (ProblemWriter.hasBody(request)) {
            // The body is not wanted: the connection is not kept for another request.
            response.setHeader(HttpHeaders.CONNECTION, "close");
        }
        problems.write(request, response, HttpServletResponse.SC_UNAUTHORIZED, "unauthorized", "Unauthorized",
                detail, Map.of());
        // Sent now: a client still sending a body (even one without end) sees the refusal at once.
        response.flushBuffer();
    }
}
