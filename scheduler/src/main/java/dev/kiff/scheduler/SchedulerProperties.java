package dev.kiff.scheduler;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The scheduler's settings ({@code kiff.scheduler.*}).
 *
 * @param lagInterval    how often the consumer lag of the job topics is read
 * @param adminTimeout   the longest one broker query may take
 */
@Validated
@ConfigurationProperties("kiff.scheduler")
public record SchedulerProperties(@NotNull Duration lagInterval, @NotNull Duration adminTimeout) {
}
