package dev.kiff.core.scale;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PoolSizingTest {

    private static final PoolPolicy POLICY = PoolPolicy.defaults(1, 20);

    private static PoolSignals signals(long lag, double rate, double stalled, int current, double sinceChange) {
        return new PoolSignals(lag, rate, 0.5, stalled, current, 16, sinceChange);
    }

    @Test
    void sizesTheSteadyPartByLittlesLawWithHeadroom() {
        // 8 jobs/s × 0.5 s = 4 busy slots, +25 % = 5
        assertThat(PoolSizing.decide(signals(0, 8, 0, 1, 0), POLICY).target()).isEqualTo(5);
    }

    @Test
    void addsEnoughToDrainTheBacklogWithinTheTargetWait() {
        // 40 waiting × 0.5 s / 2 s = 10 extra
        PoolDecision decision = PoolSizing.decide(signals(40, 0, 0, 1, 0), POLICY);
        assertThat(decision.drain()).isEqualTo(10);
        assertThat(decision.target()).isEqualTo(10);
    }

    @Test
    void ignoresLagThatHasStalledAsAPoisonRecord() {
        assertThat(PoolSizing.decide(signals(1, 0, 60, 1, 100), POLICY).target()).isEqualTo(1);
        assertThat(PoolSizing.decide(signals(1, 0, 60, 1, 100), POLICY).reason()).contains("poison");
    }

    @Test
    void neverExceedsTheWorkersCapacityNorFallsBelowTheMinimum() {
        assertThat(PoolSizing.decide(signals(10_000, 100, 0, 1, 0), POLICY).target()).isEqualTo(16);
        assertThat(PoolSizing.decide(signals(0, 0, 0, 1, 1000), POLICY).target()).isEqualTo(1);
    }

    @Test
    void scalesUpAtOnceButDownOnlyAfterTheCoolDown() {
        assertThat(PoolSizing.decide(signals(0, 0, 0, 10, 5), POLICY).target()).isEqualTo(10);
        assertThat(PoolSizing.decide(signals(0, 0, 0, 10, 31), POLICY).target()).isEqualTo(1);
    }

    @Test
    void holdsWithinTheHysteresisBand() {
        // need 9 against a target of 10: inside the 20 % band
        PoolDecision decision = PoolSizing.decide(signals(0, 14, 0, 10, 100), POLICY);
        assertThat(decision.target()).isEqualTo(10);
        assertThat(decision.reason()).startsWith("hold");
    }
}
