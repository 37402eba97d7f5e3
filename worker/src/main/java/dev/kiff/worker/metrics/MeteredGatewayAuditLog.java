package dev.kiff.worker.metrics;

import dev.kiff.core.gateway.BatchingGatewayAuditLog;
import dev.kiff.core.gateway.GatewayAuditLog;
import dev.kiff.core.gateway.GatewayCall;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Set;

/**
 * Counts the sandboxes' gateway calls and bytes as they are audited, then keeps them in the audit log it wraps. The
 * binding is named by the sandbox's code, so any name that is not configured counts as {@code other}: untrusted code
 * must not be able to create label values.
 */
public final class MeteredGatewayAuditLog implements GatewayAuditLog {

    /** The binding label of a call to a binding this worker does not configure. */
    static final String OTHER_BINDING = "other";

    private final GatewayAuditLog audit;
    private final Set<String> bindings;
    private final MeterRegistry meters;

    public MeteredGatewayAuditLog(GatewayAuditLog audit, Set<String> bindings, MeterRegistry meters) {
        this.audit = audit;
        this.bindings = Set.copyOf(bindings);
        this.meters = meters;
    }

    @Override
    public void record(GatewayCall call) {
        count(call);
        audit.record(call);
    }

    @Override
    public void recordAll(List<GatewayCall> calls) {
        calls.forEach(this::count);
        audit.recordAll(calls);
    }

    private void count(GatewayCall call) {
        if (BatchingGatewayAuditLog.DROPPED.equals(call.outcome())) {
            // Not a call: a note of how many calls the audit queue could not hold.
            return;
        }
        String binding = binding(call.binding());
        Counter.builder("kiff.gateway.calls")
                .description("Calls sandboxes made through the gateway, by binding, answered status and outcome")
                .tags("binding", binding, "status", Integer.toString(call.status()), "outcome", call.outcome())
                .register(meters).increment();
        bytes(binding, "request", call.requestBytes());
        bytes(binding, "response", call.responseBytes());
    }

    private void bytes(String binding, String direction, long bytes) {
        Counter.builder("kiff.gateway.transferred")
                .baseUnit("bytes")
                .description("Body bytes through the gateway: request (sent by sandboxes) or response (answered)")
                .tags("binding", binding, "direction", direction)
                .register(meters).increment(Math.max(0, bytes));
    }

    /** The label for a binding the sandbox named: a configured one's name, or {@value #OTHER_BINDING}. */
    String binding(String named) {
        return named != null && bindings.contains(named) ? named : OTHER_BINDING;
    }
}
