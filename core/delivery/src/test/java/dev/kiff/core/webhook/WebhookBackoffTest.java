package dev.kiff.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WebhookBackoffTest {

    private final WebhookBackoff backoff = new WebhookBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 5);

    @Test
    void doublesTheNominalDelayWithEachFailedTry() {
        assertThat(backoff.delayAfter(1, 0.0)).isEqualTo(Duration.ofMillis(500));
        assertThat(backoff.delayAfter(2, 0.0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.delayAfter(3, 0.0)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.delayAfter(3, 0.5)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void jittersEveryDelayBetweenHalfAndAllOfTheCappedNominalDelay() {
        for (int attempt = 1; attempt <= 12; attempt++) {
            long nominal = Math.min(30_000, 1000L << (attempt - 1));
            for (double random : new double[] {0.0, 0.25, 0.5, 0.999_999}) {
                assertThat(backoff.delayAfter(attempt, random).toMillis()).as("try %d, random %s", attempt, random)
                        .isBetween(nominal / 2, nominal);
            }
        }
    }

    @Test
    void capsTheDelayEvenAfterVeryManyTries() {
        assertThat(backoff.delayAfter(10, 0.0)).isEqualTo(Duration.ofSeconds(15));
        assertThat(backoff.delayAfter(1_000, 0.999_999)).isLessThanOrEqualTo(Duration.ofSeconds(30))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void isExhaustedOnceTheLastTryFailed() {
        assertThat(backoff.exhausted(4)).isFalse();
        assertThat(backoff.exhausted(5)).isTrue();
    }
}
