package dev.kiff.core.gateway;

/**
 * A job's use of the gateway.
 *
 * @param requests requests forwarded or refused
 * @param bytes    bytes of request and response bodies that crossed the gateway
 */
public record GatewayUsage(int requests, long bytes) {

    public static final GatewayUsage NONE = new GatewayUsage(0, 0);
}
