package dev.kiff.api.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.util.backoff.BackOffExecution;

class ResultFollowerRetryPolicyTest {

    @Test
    void neverGivesAFailedFollowUpUp() {
        BackOffExecution tries = ResultFollowerListener.retryPolicy(Duration.ofMillis(500), Duration.ofSeconds(30))
                .start();
        // A day of tries at the longest pause and more: the policy never answers STOP.
        for (int i = 0; i < 10_000; i++) {
            assertThat(tries.nextBackOff()).as("try %d", i).isNotEqualTo(BackOffExecution.STOP);
        }
    }

    @Test
    void doublesThePauseFromTheFirstUpToTheLongest() {
        BackOffExecution tries = ResultFollowerListener.retryPolicy(Duration.ofMillis(500), Duration.ofSeconds(3))
                .start();
        List<Long> pauses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            pauses.add(tries.nextBackOff());
        }
        assertThat(pauses).containsExactly(500L, 1000L, 2000L, 3000L, 3000L, 3000L);
    }
}
