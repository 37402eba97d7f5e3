package dev.kiff.core.gateway;

/**
 * A job's use of the gateway.
 *
 * @param requests requests forwarded or refused, and artifact uploads
 * @param bytes    bytes of request and response bodies, and of artifacts, that crossed the gateway
 */
public record GatewayUsage(int requests, long bytes) {

    public static final GatewayUsage NONE = new GatewayUsage(0, 0);
}
