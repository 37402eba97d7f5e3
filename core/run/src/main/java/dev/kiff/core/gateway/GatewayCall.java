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
 * @param outcome       {@code forwarded}, {@code stored} (an artifact), or why not: {@code binding-not-allowed},
 *                      {@code binding-not-configured}, {@code quota-exceeded}, {@code connection-limit} (the job
 *                      held its most connections), {@code worker-busy} (the worker did), {@code upstream-timeout},
 *                      {@code upstream-error}, {@code bad-request}, {@code client-gone}; {@code audit-dropped}
 *                      stands for calls the audit queue could not hold, counted in {@code path}
 */
public record GatewayCall(UUID jobId, String binding, String method, String path, int status, long requestBytes,
        long responseBytes, long durationMs, String outcome, Instant at) {
}
