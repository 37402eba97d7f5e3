package dev.kiff.scheduler;

import dev.kiff.model.control.WorkerState;
import dev.kiff.model.job.VmType;
import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.lag.LagReader;
import dev.kiff.model.control.PoolStatus;
import dev.kiff.core.scale.PoolPolicy;
import dev.kiff.core.scale.PoolScheduler;
import dev.kiff.core.topic.Topics;
import dev.kiff.spring.ControlTopicTail;
import dev.kiff.spring.KafkaConnection;
import dev.kiff.spring.KafkaRecordVerifier;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.function.ToIntFunction;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Where the pools are sized: the leader election, the workers' reports, the targets handed back, the
 * {@link PoolScheduler} that decides, and a gauge per VM type for its target and for the pools the workers hold.
 */
@Configuration(proxyBeanMethods = false)
public class ScalingConfiguration {

    @Bean
    KafkaLeadership leadership(KafkaConnection kafka, SchedulerProperties properties) {
        return new KafkaLeadership(kafka, properties.instanceId(),
                properties.sessionTimeout());
    }

    @Bean
    KafkaFleetView fleetView(JobCodec codec, SchedulerProperties properties, Clock clock) {
        return new KafkaFleetView(codec, properties.workerStaleAfter(), clock);
    }

    @Bean
    ControlTopicTail workerStateTail(KafkaConnection kafka, KafkaFleetView fleet, KafkaRecordVerifier verifier) {
        return ControlTopicTail.states(kafka, Topics.WORKER_STATES, fleet::accept, verifier);
    }

    @Bean
    KafkaTargetPublisher targetPublisher(KafkaTemplate<String, byte[]> kafka, JobCodec codec,
            SchedulerProperties properties) {
        return new KafkaTargetPublisher(kafka, codec, properties.adminTimeout());
    }

    @Bean
    PoolScheduler poolScheduler(LagReader lagReader, KafkaFleetView fleet, KafkaTargetPublisher targets,
            KafkaLeadership leadership, VmTypeCatalogue catalogue, SchedulerProperties p, Clock clock,
            MeterRegistry meters) {
        PoolScheduler scheduler = new PoolScheduler(lagReader, fleet, targets, leadership, catalogue,
                spec -> new PoolPolicy(spec.min(), spec.max(), seconds(p.targetWait()), p.headroom(),
                        p.activationLag(), seconds(p.stallAfter()), p.downHysteresis(), seconds(p.downCooldown())),
                p.decisionHistory(), p.republishEvery(), clock);
        for (VmType type : VmType.values()) {
            Gauge.builder("kiff.pool.target", scheduler, s -> s.targets().getOrDefault(type, 0))
                    .description("Warm sandboxes the scheduler wants for the VM type, over all workers")
                    .tag("vm_type", type.wireName()).register(meters);
            fleetGauge(meters, fleet, type, "kiff.pool.warm", "Sandboxes the workers hold for the VM type",
                    PoolStatus::warm);
            fleetGauge(meters, fleet, type, "kiff.pool.busy", "Sandboxes running a job of the VM type",
                    PoolStatus::busy);
        }
        Gauge.builder("kiff.scheduler.leader", leadership, l -> l.leading() ? 1 : 0)
                .description("1 while this scheduler instance leads").register(meters);
        // A worker that stops reporting drops out of this count after kiff.scheduler.worker-stale-after: the "worker
        // missing" alert compares it with the fleet's size.
        Gauge.builder("kiff.workers.live", fleet, f -> f.liveWorkers().size())
                .description("Workers whose latest state report is recent enough to count on").register(meters);
        return scheduler;
    }

    private static void fleetGauge(MeterRegistry meters, KafkaFleetView fleet, VmType type, String name,
            String description, ToIntFunction<PoolStatus> figure) {
        Gauge.builder(name, fleet, f -> f.liveWorkers().stream().map(WorkerState::pools)
                        .flatMap(java.util.List::stream).filter(pool -> pool.vmType() == type)
                        .mapToInt(figure).sum())
                .description(description).tag("vm_type", type.wireName()).register(meters);
    }

    private static double seconds(java.time.Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
