package dev.kiff.worker.gateway;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Which of one job's refused gateway calls get a WARN line of their own: the first, then at most one per
 * interval, each saying how many were refused quietly since the line before. A job making thousands of refused
 * calls costs the log a few lines, and the count is not lost.
 */
final class RefusalLog {

    private final Clock clock;
    private final Duration interval;
    private Instant last;
    private long quiet;

    RefusalLog(Clock clock, Duration interval) {
        this.clock = clock;
        this.interval = interval;
    }

    /**
     * Counts one refusal.
     *
     * @return -1 when it stays quiet; otherwise it gets a line, which also reports this many refusals kept quiet
     *         since the last line
     */
    synchronized long admit() {
        Instant now = clock.instant();
        if (last == null || !now.isBefore(last.plus(interval))) {
            long kept = quiet;
            quiet = 0;
            last = now;
            return kept;
        }
        quiet++;
        return -1;
    }

    /** The refusals kept quiet since the last line, which the caller reports now (the job ended); resets them. */
    synchronized long drain() {
        long kept = quiet;
        quiet = 0;
        return kept;
    }
}
