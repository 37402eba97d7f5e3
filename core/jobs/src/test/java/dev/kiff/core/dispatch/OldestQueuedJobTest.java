package dev.kiff.core.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.core.time.MutableClock;
import dev.kiff.model.failure.TransientFailure;
import dev.kiff.model.job.VmType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OldestQueuedJobTest {

    private static final Instant NOW = Instant.parse("2026-11-29T23:00:00Z");

    @Test
    void answersTheAgeOfTheOldestQueuedJobPerTypeAndZeroForATypeWithNone() {
        OldestQueuedJob oldest = new OldestQueuedJob(
                () -> Map.of(VmType.CODE_EXEC, NOW.minusSeconds(90)), Clock.fixed(NOW, ZoneOffset.UTC));

        assertThat(oldest.age(VmType.CODE_EXEC)).as("nothing read before the first tick").isZero();
        oldest.tick();

        assertThat(oldest.age(VmType.CODE_EXEC)).isEqualTo(Duration.ofSeconds(90));
        assertThat(oldest.age(VmType.ML_AGENT)).isZero();
    }

    @Test
    void keepsTheLastFiguresWhenTheStoreFailsAndTheAgeGrowsWithTheClock() {
        List<Object> answers = new ArrayList<>(List.of(Map.of(VmType.DATA_PROCESSING, NOW.minusSeconds(10)),
                new TransientFailure("database away")));
        MutableClock clock = new MutableClock(NOW);
        OldestQueuedJob oldest = new OldestQueuedJob(() -> {
            Object next = answers.remove(0);
            if (next instanceof RuntimeException e) {
                throw e;
            }
            @SuppressWarnings("unchecked")
            Map<VmType, Instant> ages = (Map<VmType, Instant>) next;
            return ages;
        }, clock);

        oldest.tick();
        clock.advance(Duration.ofSeconds(20));
        oldest.tick();

        assertThat(oldest.age(VmType.DATA_PROCESSING)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aSubmissionTimeAheadOfThisClockCountsAsNoWait() {
        OldestQueuedJob oldest = new OldestQueuedJob(
                () -> Map.of(VmType.CODE_EXEC, NOW.plusSeconds(2)), Clock.fixed(NOW, ZoneOffset.UTC));
        oldest.tick();

        assertThat(oldest.age(VmType.CODE_EXEC)).isZero();
    }
}
