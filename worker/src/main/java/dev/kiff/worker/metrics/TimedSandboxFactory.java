package dev.kiff.worker.metrics;

import dev.kiff.core.pool.Sandbox;
import dev.kiff.core.pool.SandboxFactory;
import dev.kiff.model.job.Limits;
import dev.kiff.model.job.VmType;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * A {@link SandboxFactory} that times every sandbox start, until its runner is ready ({@code kiff.sandbox.start},
 * by VM type and outcome: {@code started} or {@code failed}).
 */
public final class TimedSandboxFactory implements SandboxFactory {

    private static final Duration[] START_SLOS = {Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

    private final SandboxFactory factory;
    private final MeterRegistry meters;

    public TimedSandboxFactory(SandboxFactory factory, MeterRegistry meters) {
        this.factory = factory;
        this.meters = meters;
    }

    @Override
    public Sandbox start(VmType type, boolean reusable, Limits limits) {
        long began = System.nanoTime();
        String outcome = "failed";
        try {
            Sandbox sandbox = factory.start(type, reusable, limits);
            outcome = "started";
            return sandbox;
        } finally {
            Timer.builder("kiff.sandbox.start")
                    .description("Time to create and start a sandbox until its runner is ready")
                    .tags("vm_type", type.wireName(), "outcome", outcome)
                    .serviceLevelObjectives(START_SLOS)
                    .register(meters)
                    .record(Duration.ofNanos(System.nanoTime() - began));
        }
    }

    @Override
    public int removeLeftovers() {
        return factory.removeLeftovers();
    }
}
