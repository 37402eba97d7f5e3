package dev.kiff.worker.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RefusalLogTest {

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-11-29T12:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void logsTheFirstRefusalThenOnePerIntervalWithTheCountKeptQuiet() {
        ManualClock clock = new ManualClock();
        RefusalLog log = new RefusalLog(clock, Duration.ofSeconds(30));
        assertThat(log.admit()).isZero();
        for (int i = 0; i < 999; i++) {
            assertThat(log.admit()).isEqualTo(-1);
        }
        clock.now = clock.now.plusSeconds(30);
        assertThat(log.admit()).isEqualTo(999);
        assertThat(log.admit()).isEqualTo(-1);
        assertThat(log.drain()).isEqualTo(1);
        assertThat(log.drain()).isZero();
    }
}
