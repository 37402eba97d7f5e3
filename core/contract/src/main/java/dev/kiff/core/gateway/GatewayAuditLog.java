package dev.kiff.core.gateway;

/** Keeps the record of every call a sandbox made through its gateway. */
public interface GatewayAuditLog {

    void record(GatewayCall call);
}
