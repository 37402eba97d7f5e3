package dev.kiff.scheduler;

import dev.kiff.core.lag.LagMonitor;
import dev.kiff.core.lag.LagReader;
import dev.kiff.core.lag.QueueLag;
import dev.kiff.model.job.VmType;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/** Where lag is read: the AdminClient, the monitor that keeps the latest figures, and a gauge per VM type. */
@Configuration(proxyBeanMethods = false)
public class LagConfiguration {

    @Bean(destroyMethod = "close")
    Admin lagAdmin(KafkaAdmin kafkaAdmin) {
        return Admin.create(kafkaAdmin.getConfigurationProperties());
    }

    @Bean
    LagReader lagReader(Admin lagAdmin, SchedulerProperties properties) {
        return new KafkaLagReader(lagAdmin, properties.adminTimeout());
    }

    @Bean
    LagMonitor lagMonitor(LagReader reader, Clock clock, MeterRegistry meters) {
        LagMonitor monitor = new LagMonitor(reader, clock);
        for (VmType type : VmType.values()) {
            Gauge.builder("kiff.queue.lag", monitor, m -> m.latest().queues().stream()
                            .filter(q -> q.vmType() == type).mapToLong(QueueLag::lag).findFirst().orElse(0))
                    .description("Job records waiting on the VM type's topic beyond the workers' committed offsets")
                    .tag("vm_type", type.wireName())
                    .register(meters);
        }
        return monitor;
    }
}
