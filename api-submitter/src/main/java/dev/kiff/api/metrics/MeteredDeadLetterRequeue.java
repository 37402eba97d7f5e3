package dev.kiff.api.metrics;

import dev.kiff.core.console.DeadLetterRequeue;
import dev.kiff.core.port.JobRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.UUID;

/**
 * The dead-letter requeue (the console's and the REST API's), counting every requeue that went through as
 * {@code kiff.dead.letter.requeues} by the job's tenant: beside the workers' {@code kiff.jobs.dead.lettered}, what
 * leaves the dead letters again. Refused requeues (not a dead letter, another tenant's) are not counted.
 */
public final class MeteredDeadLetterRequeue implements DeadLetterRequeue {

    /** The tenant label of a job the admin requeued and that was gone by the time it was counted. */
    static final String UNKNOWN_TENANT = "unknown";

    private final DeadLetterRequeue requeue;
    private final JobRepository jobs;
    private final MeterRegistry meters;

    public MeteredDeadLetterRequeue(DeadLetterRequeue requeue, JobRepository jobs, MeterRegistry meters) {
        this.requeue = requeue;
        this.jobs = jobs;
        this.meters = meters;
    }

    @Override
    public boolean requeue(UUID id, String tenant, Instant at) {
        boolean requeued = requeue.requeue(id, tenant, at);
        if (requeued) {
            // The admin names no tenant: the job's own is read back, once, for this rare operator action.
            String owner = tenant != null ? tenant
                    : jobs.find(id).map(record -> record.job().tenant()).orElse(UNKNOWN_TENANT);
            Counter.builder("kiff.dead.letter.requeues")
                    .description("Dead-lettered jobs requeued by an operator or their tenant, by tenant")
                    .tag("tenant", owner)
                    .register(meters).increment();
        }
        return requeued;
    }
}
