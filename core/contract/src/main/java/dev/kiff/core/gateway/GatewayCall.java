package dev.kiff.core.gateway;

import java.time.Instant;
import java.util.UUID;

/**
 * One request a sandbox made through its gateway, as audited.
 *
 * @param binding       the binding named in the path ({@code ml}), as asked for, allowed or not
 * @param status        the status answered to the sandbox (the upstream's, or the gateway's own refusal)
 * @param requestBytes  body bytes sent by the sandbox
 * @param responseBytes body bytes answered to the sandbox
 * @param outcome       {@code forwarded}, or why not: {@code binding-not-allowed}, {@code quota-exceeded},
 *                      {@code upstream-timeout}, {@code upstream-error}, {@code bad-request}
 */
public record GatewayCall(UUID jobId, String binding, String method, String path, int status, long requestBytes,
        long responseBytes, long durationMs, String outcome, Instant at) {
}
