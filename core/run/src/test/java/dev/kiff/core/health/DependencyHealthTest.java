package dev.kiff.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiff.model.failure.TransientFailure;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The outage-writing path with the database really away is WorkerDatabaseOutageIT's. */
class DependencyHealthTest {

    private final AtomicBoolean databaseAnswers = new AtomicBoolean(true);
    private final AtomicInteger probes = new AtomicInteger();
    private final DependencyProbe database = () -> {
        probes.incrementAndGet();
        if (!databaseAnswers.get()) {
            throw new TransientFailure("connection refused");
        }
    };
    private final DependencyHealth health = new DependencyHealth(
            Map.of(Dependency.DATABASE, database, Dependency.SANDBOX_ENGINE, () -> { }), Clock.systemUTC());

    @Test
    void aDependencyIsUnavailableFromTheProbeItFailsToTheOneItAnswersAndListenersHearBothChangesOnly() {
        AtomicInteger changes = new AtomicInteger();
        health.onChange(changes::incrementAndGet);

        health.tick();
        assertThat(health.available()).isTrue();
        databaseAnswers.set(false);
        health.tick();
        health.tick();
        assertThat(health.available()).isFalse();
        assertThat(health.available(Dependency.DATABASE)).isFalse();
        assertThat(health.available(Dependency.SANDBOX_ENGINE)).isTrue();
        databaseAnswers.set(true);
        health.tick();

        assertThat(health.available()).isTrue();
        assertThat(changes.get()).as("changes heard: down once, back once").isEqualTo(2);
    }

    @Test
    void aWriteThatFailsWhileTheDependencyAnswersFailsAtOnce() {
        AtomicInteger tries = new AtomicInteger();

        assertThatThrownBy(() -> health.ridingOut(Dependency.DATABASE, Duration.ofMinutes(1), () -> {
            tries.incrementAndGet();
            throw new IllegalStateException("a constraint refused it");
        })).hasMessage("a constraint refused it");
        assertThat(tries.get()).isEqualTo(1);
    }

    @Test
    void aWriteIsGivenUpOnceThePatienceIsSpent() {
        databaseAnswers.set(false);

        assertThatThrownBy(() -> health.ridingOut(Dependency.DATABASE, Duration.ofMillis(50), () -> {
            throw new TransientFailure("connection refused");
        })).hasMessage("connection refused");
    }
}
