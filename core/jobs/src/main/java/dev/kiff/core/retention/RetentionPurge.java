package dev.kiff.core.retention;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what has outlived its {@link RetentionPeriods}: each {@link #tick()} purges every kind of record in batches
 * of {@code batchSize}, at most {@code maxBatches} per kind, so one tick stays short and no statement holds its locks
 * for long; what is left is purged by the next ticks. Several instances may tick at once: the store skips rows
 * another purger holds.
 */
public final class RetentionPurge {

    private static final Logger log = LoggerFactory.getLogger(RetentionPurge.class);

    /** Rows deleted by one tick, per kind. */
    public record Purged(int jobs, int logs, int artifacts, int audit, int webhooks, int sessions) {

        public int total() {
            return jobs + logs + artifacts + audit + webhooks + sessions;
        }
    }

    private final PurgeableRecords records;
    private final RetentionPeriods periods;
    private final Clock clock;
    private final int batchSize;
    private final int maxBatches;

    /**
     * @param batchSize  the most rows one statement deletes
     * @param maxBatches the most statements per kind of record in one tick
     */
    public RetentionPurge(PurgeableRecords records, RetentionPeriods periods, Clock clock, int batchSize,
            int maxBatches) {
        if (batchSize < 1 || maxBatches < 1) {
            throw new IllegalArgumentException("batchSize and maxBatches must be positive");
        }
        this.records = records;
        this.periods = periods;
        this.clock = clock;
        this.batchSize = batchSize;
        this.maxBatches = maxBatches;
    }

    /** One round of purging; a kind that fails is logged and left for the next tick. */
    public Purged tick() {
        Instant now = clock.instant();
        Purged purged = new Purged(
                purge("finished jobs", periods.jobs(), now, records::purgeFinishedJobs),
                purge("log chunks", periods.logs(), now, records::purgeLogs),
                purge("artifacts", periods.artifacts(), now, records::purgeArtifacts),
                purge("gateway audit rows", periods.audit(), now, records::purgeAuditRows),
                purge("webhook deliveries", periods.webhooks(), now, records::purgeWebhookDeliveries),
                purge("ended sessions", periods.sessions(), now, records::purgeEndedSessions));
        if (purged.total() > 0) {
            log.info("retention purged {}", purged);
        }
        return purged;
    }

    private int purge(String what, Duration period, Instant now, BiFunction<Instant, Integer, Integer> batch) {
        if (!RetentionPeriods.expires(period)) {
            return 0;
        }
        Instant before = now.minus(period);
        int total = 0;
        try {
            for (int i = 0; i < maxBatches; i++) {
                int deleted = batch.apply(before, batchSize);
                total += deleted;
                if (deleted < batchSize) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            log.error("retention purge of {} older than {} failed after {} rows: {}", what, before, total,
                    e.getMessage(), e);
        }
        return total;
    }
}
