package dev.kiff.api.mcp;

import dev.kiff.core.tenant.Tenant;
import io.modelcontextprotocol.common.McpTransportContext;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Optional;

/**
 * Hands the tenant that {@link dev.kiff.api.auth.EarlyAuthenticationFilter} authenticated for a {@code /mcp} request
 * on to the tool handlers: the filter puts it on the request, the transport turns the request into the call's
 * {@link McpTransportContext}, and a handler reads it from there. A context without one (the filter did not run)
 * has no tenant, and the tools refuse to act.
 */
public final class McpTenant {

    /** The request attribute the authentication filter sets. */
    public static final String ATTRIBUTE = McpTenant.class.getName();
    /** The key of the tenant in the transport context. */
    static final String KEY = "kiff.tenant";

    private McpTenant() {
    }

    /** The transport context of a {@code /mcp} request: its tenant, when the request was authenticated. */
    static McpTransportContext context(HttpServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof Tenant tenant
                ? McpTransportContext.create(Map.of(KEY, tenant))
                : McpTransportContext.EMPTY;
    }

    static Optional<Tenant> of(McpTransportContext context) {
        return context.get(KEY) instanceof Tenant tenant ? Optional.of(tenant) : Optional.empty();
    }
}
