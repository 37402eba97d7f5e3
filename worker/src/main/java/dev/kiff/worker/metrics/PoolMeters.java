package dev.kiff.worker.metrics;

import dev.kiff.core.pool.WarmPool;
import dev.kiff.model.control.PoolStatus;
import dev.kiff.model.job.VmType;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Collection;
import java.util.function.ToIntFunction;

/**
 * The warm pools' sandboxes per VM type and state, read from {@link WarmPool#status()} whenever they are scraped:
 * {@code idle} (warm, waiting for a job), {@code busy} (running a job or reserved for one), {@code starting}, and
 * {@code session} (held by an agent session); and each pool's target.
 */
public final class PoolMeters implements MeterBinder {

    private final WarmPool pool;
    private final Collection<VmType> types;

    public PoolMeters(WarmPool pool, Collection<VmType> types) {
        this.pool = pool;
        this.types = types;
    }

    @Override
    public void bindTo(MeterRegistry meters) {
        for (VmType type : types) {
            state(meters, type, "idle", PoolStatus::idle);
            state(meters, type, "busy", PoolStatus::busy);
            state(meters, type, "starting", PoolStatus::starting);
            state(meters, type, "session", PoolStatus::sessions);
            Gauge.builder("kiff.worker.pool.target", pool, p -> figure(p, type, PoolStatus::target))
                    .description("Sandboxes this worker keeps warm for the VM type (the scheduler's decision)")
                    .tag("vm_type", type.wireName())
                    .register(meters);
        }
    }

    private void state(MeterRegistry meters, VmType type, String state, ToIntFunction<PoolStatus> figure) {
        Gauge.builder("kiff.worker.sandboxes", pool, p -> figure(p, type, figure))
                .description("Sandboxes this worker holds, by VM type and state")
                .tags("vm_type", type.wireName(), "state", state)
                .register(meters);
    }

    private static double figure(WarmPool pool, VmType type, ToIntFunction<PoolStatus> figure) {
        return pool.status().stream().filter(s -> s.vmType() == type).mapToInt(figure).findFirst().orElse(0);
    }
}
