package dev.kiff.worker;

import dev.kiff.core.job.VmType;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The worker's settings ({@code kiff.worker.*}).
 *
 * @param id                    this worker's name in job records and container labels; defaults to host name and pid
 * @param vmTypes               the VM types whose job topics this worker consumes
 * @param concurrency           how many jobs this worker runs at once (one Kafka consumer each)
 * @param maxDeliveryAttempts   how often a job the platform failed to run is tried before it ends in ERROR
 * @param retryBackoff          the pause before trying such a job again
 * @param resultPublishTimeout  how long to wait for the broker to take a result
 */
@Validated
@ConfigurationProperties("kiff.worker")
public record WorkerProperties(
        String id,
        @NotEmpty List<VmType> vmTypes,
        @Min(1) int concurrency,
        @Min(1) int maxDeliveryAttempts,
        @NotNull Duration retryBackoff,
        @NotNull Duration resultPublishTimeout) {

    public WorkerProperties {
        if (id == null || id.isBlank()) {
            // RuntimeMXBean's name is "pid@host": unique per process on one machine, readable across machines.
            String[] pidAtHost = ManagementFactory.getRuntimeMXBean().getName().split("@", 2);
            id = (pidAtHost.length == 2 ? pidAtHost[1] + "-" + pidAtHost[0] : pidAtHost[0]);
        }
    }
}
