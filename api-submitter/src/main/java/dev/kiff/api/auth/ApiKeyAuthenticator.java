package dev.kiff.api.auth;

import dev.kiff.core.tenant.ApiKey;
import dev.kiff.core.tenant.Tenant;
import dev.kiff.core.tenant.TenantDirectory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who a request is: the tenant holding the {@code Authorization: Bearer <key>} it carries. Keys are looked up by
 * their SHA-256; answers are remembered briefly so a busy client costs no database read per request, and an
 * unknown key is never remembered (a typo is not punished once fixed).
 */
public final class ApiKeyAuthenticator {

    private static final String BEARER = "Bearer ";
    private static final int MAX_REMEMBERED = 10_000;

    private final TenantDirectory tenants;
    private final Clock clock;
    private final Duration remember;
    private final Map<String, Remembered> known = new ConcurrentHashMap<>();

    /** @param remember how long a key's tenant (and its quotas) is used without reading it again */
    public ApiKeyAuthenticator(TenantDirectory tenants, Clock clock, Duration remember) {
        this.tenants = tenants;
        this.clock = clock;
        this.remember = remember;
    }

    private record Remembered(Tenant tenant, Instant until) {
    }

    /** @throws UnauthorizedException without a valid bearer key */
    public Tenant authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new UnauthorizedException("send your API key as 'Authorization: Bearer <key>'");
        }
        String hash = ApiKey.hash(authorization.substring(BEARER.length()).trim());
        Instant now = clock.instant();
        Remembered hit = known.get(hash);
        if (hit != null && hit.until().isAfter(now)) {
            return hit.tenant();
        }
        Optional<Tenant> tenant = tenants.findByKeyHash(hash);
        if (tenant.isEmpty()) {
            known.remove(hash);
            throw new UnauthorizedException("the API key is not valid");
        }
        if (known.size() >= MAX_REMEMBERED) {
            known.clear();
        }
        known.put(hash, new Remembered(tenant.get(), now.plus(remember)));
        return tenant.get();
    }
}
