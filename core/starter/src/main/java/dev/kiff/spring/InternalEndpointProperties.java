package dev.kiff.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The internal HTTP endpoints of a worker or scheduler ({@code kiff.internal.*}): their actuator and reports are for
 * the operator, not for tenants or jobs. They listen on loopback by default ({@code server.address}); when bound
 * elsewhere, a key keeps them closed to callers that do not hold it.
 *
 * @param enabled whether this application's HTTP endpoints are internal ones, guarded by {@code key} (set by the
 *                worker's and the scheduler's own defaults; the API has its own rules)
 * @param key     the key ({@code KIFF_INTERNAL_KEY}) a caller from anywhere but this host's loopback must send as
 *                {@code Authorization: Bearer <key>}; empty: no key is asked (then bind to loopback only)
 */
@ConfigurationProperties("kiff.internal")
public record InternalEndpointProperties(boolean enabled, String key) {
}
