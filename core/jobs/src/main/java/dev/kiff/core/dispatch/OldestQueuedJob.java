package dev.kiff.core.dispatch;

import dev.kiff.model.job.VmType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The age of the oldest QUEUED job per VM type, for the operator's gauge: {@link #tick()} reads the submission times
 * from the store (one query for every type), and {@link #age} answers from the last read, so that scraping the
 * gauges costs no query. A failed read keeps the last figures; the ages grow with the clock meanwhile.
 */
public final class OldestQueuedJob {

    private static final Logger log = LoggerFactory.getLogger(OldestQueuedJob.class);

    private final QueuedJobAges store;
    private final Clock clock;
    private volatile Map<VmType, Instant> oldest = Map.of();

    public OldestQueuedJob(QueuedJobAges store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Reads the oldest submission time of each VM type again. Never throws. */
    public void tick() {
        try {
            oldest = Map.copyOf(store.oldestQueued());
        } catch (RuntimeException e) {
            log.warn("The oldest queued jobs could not be read; keeping the last figures: {}", e.getMessage());
        }
    }

    /** How long the oldest QUEUED job of the type has waited since its submission; zero when none waits. */
    public Duration age(VmType type) {
        Instant submitted = oldest.get(type);
        if (submitted == null) {
            return Duration.ZERO;
        }
        Duration age = Duration.between(submitted, clock.instant());
        return age.isNegative() ? Duration.ZERO : age;
    }
}
