package dev.kiff.api.retention;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How long records are kept, and how the purge that deletes older ones runs ({@code kiff.retention.*}). A period of
 * zero or less keeps that kind of record forever.
 *
 * @param jobs       {@code KIFF_RETENTION_JOBS}: finished jobs (any terminal status), from when they ended; their
 *                   attempts, logs and artifacts go with them. Queued and running jobs are never purged.
 * @param logs       {@code KIFF_RETENTION_LOGS}: job log chunks, from when they were written
 * @param artifacts  {@code KIFF_RETENTION_ARTIFACTS}: job artifacts, from when they were stored
 * @param audit      {@code KIFF_RETENTION_AUDIT}: gateway audit rows ({@code gateway_calls}), from the call
 * @param webhooks   {@code KIFF_RETENTION_WEBHOOKS}: webhook deliveries that are done (delivered or given up), with
 *                   their tries, from when they were queued; pending ones are kept
 * @param sessions   {@code KIFF_RETENTION_SESSIONS}: ended sessions (EXPIRED, DELETED, LOST) with their recorded
 *                   moves, from when they ended; open ones are never purged, and their runs are jobs, kept as
 *                   {@code jobs} says
 * @param tick       how often the purge runs
 * @param batchSize  the most rows one delete statement removes: small, so no statement holds its locks for long
 * @param maxBatches the most delete statements per kind of record in one run; the rest waits for the next run
 */
@Validated
@ConfigurationProperties("kiff.retention")
public record RetentionProperties(
        @NotNull Duration jobs,
        @NotNull Duration logs,
        @NotNull Duration artifacts,
        @NotNull Duration audit,
        @NotNull Duration webhooks,
        @NotNull Duration sessions,
        @NotNull Duration tick,
        @Min(1) int batchSize,
        @Min(1) int maxBatches) {
}
