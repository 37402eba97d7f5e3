package dev.kiff.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.core.gateway.BatchingGatewayAuditLog;
import dev.kiff.core.gateway.GatewayAuditLog;
import dev.kiff.core.gateway.GatewayCall;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MeteredGatewayAuditLogTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<GatewayCall> audited = new ArrayList<>();
    private final GatewayAuditLog inner = audited::add;
    private final MeteredGatewayAuditLog audit = new MeteredGatewayAuditLog(inner, Set.of("ml", "_kiff"), meters);

    private static GatewayCall call(String binding, int status, String outcome, long sent, long answered) {
        return new GatewayCall(UUID.randomUUID(), binding, "POST", "/" + binding + "/x", status, sent, answered, 3,
                outcome, Instant.EPOCH);
    }

    @Test
    void countsCallsAndBytesOfAConfiguredBindingUnderItsName() {
        audit.recordAll(List.of(call("ml", 200, "forwarded", 18, 40), call("ml", 200, "forwarded", 2, 5)));

        assertThat(meters.get("kiff.gateway.calls").tags("binding", "ml", "status", "200", "outcome", "forwarded")
                .counter().count()).isEqualTo(2);
        assertThat(meters.get("kiff.gateway.transferred").tags("binding", "ml", "direction", "request").counter()
                .count()).isEqualTo(20);
        assertThat(meters.get("kiff.gateway.transferred").tags("binding", "ml", "direction", "response").counter()
                .count()).isEqualTo(45);
        assertThat(audited).hasSize(2);
    }

    @Test
    void countsNamesTheSandboxMadeUpAsOneLabelValue() {
        for (int i = 0; i < 50; i++) {
            audit.record(call("made-up-" + i, 403, "binding-not-configured", 0, 0));
        }

        assertThat(meters.get("kiff.gateway.calls").tag("binding", "other").counter().count()).isEqualTo(50);
        assertThat(meters.getMeters()).extracting(m -> m.getId().getTag("binding"))
                .containsOnly("other");
        assertThat(audited).as("the audit keeps the name as asked for").hasSize(50);
    }

    @Test
    void aNoteOfDroppedAuditRecordsIsNoCall() {
        audit.record(call("_kiff", 0, BatchingGatewayAuditLog.DROPPED, 0, 0));

        assertThat(meters.getMeters()).extracting(Meter::getId).isEmpty();
        assertThat(audited).hasSize(1);
    }
}
