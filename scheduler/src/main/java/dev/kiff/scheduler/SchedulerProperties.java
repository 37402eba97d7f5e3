package dev.kiff.scheduler;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The scheduler's settings ({@code kiff.scheduler.*}).
 *
 * @param instanceId        this instance's name in decisions and logs; defaults to host name and pid
 * @param lagInterval       how often the consumer lag of the job topics is read for /v1/lag and the lag gauges
 * @param adminTimeout      the longest one broker query may take
 * @param decisionInterval  how often the leader decides the pool targets
 * @param sessionTimeout    how long a silent leader keeps leading: a standby takes over this long after the leader
 *                          died (at once when it stops cleanly)
 * @param workerStaleAfter  a worker whose last state is older than this no longer counts
 * @param republishEvery    targets are sent again this often even when unchanged
 * @param decisionHistory   how many decisions /v1/scheduler/decisions keeps
 * @param targetWait        how soon a backlog should be drained: extra slots are added to clear the lag within it
 * @param headroom          extra fraction of slots over the steady need (Little's law), for bursts within a tick
 * @param activationLag     lag below which no slots are added for draining
 * @param stallAfter        lag whose committed offsets have not moved for this long counts as a poison record, not
 *                          demand
 * @param downHysteresis    scale down only when the need is below the target by more than this fraction
 * @param downCooldown      scale down at most once per this period (scaling up is never delayed)
 */
@Validated
@ConfigurationProperties("kiff.scheduler")
public record SchedulerProperties(
        String instanceId,
        @NotNull Duration lagInterval,
        @NotNull Duration adminTimeout,
        @NotNull Duration decisionInterval,
        @NotNull Duration sessionTimeout,
        @NotNull Duration workerStaleAfter,
        @NotNull Duration republishEvery,
        @Min(1) int decisionHistory,
        @NotNull Duration targetWait,
        @DecimalMin("0.0") double headroom,
        @Min(0) long activationLag,
        @NotNull Duration stallAfter,
        @DecimalMin("0.0") double downHysteresis,
        @NotNull Duration downCooldown) {

    public SchedulerProperties {
        if (instanceId == null || instanceId.isBlank()) {
            String[] pidAtHost = ManagementFactory.getRuntimeMXBean().getName().split("@", 2);
            instanceId = (pidAtHost.length == 2 ? pidAtHost[1] + "-" + pidAtHost[0] : pidAtHost[0]);
        }
    }
}
