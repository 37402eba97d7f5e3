package dev.kiff.core.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class BatchingGatewayAuditLogTest {

    final Clock clock = Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC);
    final List<List<GatewayCall>> batches = new ArrayList<>();
    final GatewayAuditLog store = new GatewayAuditLog() {
        @Override
        public void record(GatewayCall call) {
            throw new AssertionError("the batching log writes batches only");
        }

        @Override
        public void recordAll(List<GatewayCall> calls) {
            batches.add(calls);
        }
    };

    @Test
    void writesNothingUntilItsTickThenWritesInBatches() {
        BatchingGatewayAuditLog log = new BatchingGatewayAuditLog(store, 100, 4, clock);
        UUID job = UUID.randomUUID();
        for (int i = 0; i < 10; i++) {
            log.record(call(job, "forwarded"));
        }
        assertThat(batches).isEmpty();
        assertThat(log.tick()).isEqualTo(10);
        assertThat(batches).extracting(List::size).containsExactly(4, 4, 2);
        assertThat(log.tick()).isZero();
        assertThat(batches).hasSize(3);
    }

    @Test
    void dropsCallsBeyondItsQueueAndWritesOneCountPerJobInstead() {
        BatchingGatewayAuditLog log = new BatchingGatewayAuditLog(store, 5, 100, clock);
        UUID flooding = UUID.randomUUID();
        UUID neighbour = UUID.randomUUID();
        for (int i = 0; i < 5; i++) {
            log.record(call(flooding, "binding-not-allowed"));
        }
        for (int i = 0; i < 1000; i++) {
            log.record(call(flooding, "binding-not-allowed"));
        }
        log.record(call(neighbour, "forwarded"));
        assertThat(log.queued()).isEqualTo(5);
        assertThat(log.dropped()).isEqualTo(1001);
        assertThat(log.tick()).isEqualTo(5);
        List<GatewayCall> summaries = batches.get(batches.size() - 1);
        assertThat(summaries).allSatisfy(s -> {
            assertThat(s.outcome()).isEqualTo(BatchingGatewayAuditLog.DROPPED);
            assertThat(s.at()).isEqualTo(clock.instant());
        });
        assertThat(summaries).anySatisfy(s -> {
            assertThat(s.jobId()).isEqualTo(flooding);
            assertThat(s.path()).startsWith("1000 calls not audited");
        });
        assertThat(summaries).anySatisfy(s -> assertThat(s.jobId()).isEqualTo(neighbour));
        log.record(call(neighbour, "forwarded"));
        log.tick();
        assertThat(batches.get(batches.size() - 1)).singleElement()
                .satisfies(c -> assertThat(c.outcome()).isEqualTo("forwarded"));
    }

    @Test
    void goesOnAfterABatchTheStoreRefused() {
        List<GatewayCall> written = new ArrayList<>();
        boolean[] failing = {true};
        BatchingGatewayAuditLog log = new BatchingGatewayAuditLog(new GatewayAuditLog() {
            @Override
            public void record(GatewayCall call) {
            }

            @Override
            public void recordAll(List<GatewayCall> calls) {
                if (failing[0]) {
                    throw new IllegalStateException("database down");
                }
                written.addAll(calls);
            }
        }, 10, 10, clock);
        UUID job = UUID.randomUUID();
        log.record(call(job, "forwarded"));
        assertThat(log.tick()).isZero();
        failing[0] = false;
        log.record(call(job, "forwarded"));
        assertThat(log.tick()).isEqualTo(1);
        assertThat(written).hasSize(1);
    }

    private GatewayCall call(UUID job, String outcome) {
        return new GatewayCall(job, "ml", "GET", "/ml/x", 200, 0, 0, 1, outcome, clock.instant());
    }
}
