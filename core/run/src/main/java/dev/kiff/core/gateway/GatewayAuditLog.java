package dev.kiff.core.gateway;

import java.util.List;

/** Keeps the record of every call a sandbox made through its gateway. */
public interface GatewayAuditLog {

    void record(GatewayCall call);

    /** Keeps several calls at once; stores that can write them in one round trip should. */
    default void recordAll(List<GatewayCall> calls) {
        calls.forEach(this::record);
    }
}
