package dev.kiff.api.dispatch;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How accepted jobs are published to their topics ({@code kiff.dispatch.*}), a tenant's window at a time.
 *
 * @param window  the most jobs of one tenant and VM type on the queue or running at once; the rest wait in the
 *                database and are published as these end. It bounds how many of one tenant's records can stand in a
 *                topic ahead of another tenant's job, so it should be small; but a tenant alone should still keep
 *                every sandbox of a VM type busy, so it should be above the fleet's capacity for that type (slots
 *                running at once, plus what ends within one {@code tick}). Default 64: a fleet of up to 8 workers of
 *                capacity 8 per type stays busy on one tenant, and a second tenant's job waits behind at most 64 of
 *                the first tenant's records
 * @param tick    how often held jobs are looked for and published as earlier ones end
 * @param claim   how long an API instance holds a job it is publishing before another publishes it again: longer
 *                than {@code kiff.api.publish-timeout}. A job whose publisher died between storing and publishing
 *                it is published by a dispatcher this long after
 * @param perTick the most held jobs one tick publishes (in one Kafka transaction)
 */
@Validated
@ConfigurationProperties("kiff.dispatch")
public record DispatchProperties(
        @Min(1) @Max(100_000) int window,
        @NotNull Duration tick,
        @NotNull Duration claim,
        @Min(1) @Max(10_000) int perTick) {
}
