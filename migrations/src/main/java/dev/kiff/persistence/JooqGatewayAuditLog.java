package dev.kiff.persistence;

import static dev.kiff.persistence.jooq.Tables.GATEWAY_CALLS;

import dev.kiff.core.gateway.GatewayAuditLog;
import dev.kiff.core.gateway.GatewayCall;
import java.util.List;
import org.jooq.DSLContext;

/** The {@link GatewayAuditLog} in PostgreSQL's {@code gateway_calls} table. */
public final class JooqGatewayAuditLog implements GatewayAuditLog {

    private static final int MAX_PATH = 1024;

    private final DSLContext db;

    public JooqGatewayAuditLog(DSLContext db) {
        this.db = db;
    }

    @Override
    public void record(GatewayCall call) {
        db.insertInto(GATEWAY_CALLS)
                .set(GATEWAY_CALLS.JOB_ID, call.jobId())
                .set(GATEWAY_CALLS.BINDING, cap(call.binding(), 64))
                .set(GATEWAY_CALLS.METHOD, cap(call.method(), 16))
                .set(GATEWAY_CALLS.PATH, cap(call.path(), MAX_PATH))
                .set(GATEWAY_CALLS.STATUS, call.status())
                .set(GATEWAY_CALLS.REQUEST_BYTES, call.requestBytes())
                .set(GATEWAY_CALLS.RESPONSE_BYTES, call.responseBytes())
                .set(GATEWAY_CALLS.DURATION_MS, call.durationMs())
                .set(GATEWAY_CALLS.OUTCOME, call.outcome())
                .set(GATEWAY_CALLS.AT, call.at())
                .execute();
    }

    /** One multi-row insert: the gateway's audit writer hands over its calls in batches. */
    @Override
    public void recordAll(List<GatewayCall> calls) {
        if (calls.isEmpty()) {
            return;
        }
        var insert = db.insertInto(GATEWAY_CALLS, GATEWAY_CALLS.JOB_ID, GATEWAY_CALLS.BINDING, GATEWAY_CALLS.METHOD,
                GATEWAY_CALLS.PATH, GATEWAY_CALLS.STATUS, GATEWAY_CALLS.REQUEST_BYTES, GATEWAY_CALLS.RESPONSE_BYTES,
                GATEWAY_CALLS.DURATION_MS, GATEWAY_CALLS.OUTCOME, GATEWAY_CALLS.AT);
        for (GatewayCall call : calls) {
            insert = insert.values(call.jobId(), cap(call.binding(), 64), cap(call.method(), 16),
                    cap(call.path(), MAX_PATH), call.status(), call.requestBytes(), call.responseBytes(),
                    call.durationMs(), cap(call.outcome(), 32), call.at());
        }
        insert.execute();
    }

    private static String cap(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max);
    }
}
