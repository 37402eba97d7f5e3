package dev.kiff.core.output;

import dev.kiff.model.job.Job;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a worker's running jobs stream their output: each run gets an {@link OutputRecorder}, and {@link #tick()}
 * (every few hundred ms, from one background thread) flushes them all, so a job's output reaches its watchers
 * while it runs without a database write per line.
 */
public final class LiveOutput {

    private static final Logger log = LoggerFactory.getLogger(LiveOutput.class);

    private final LogStore store;
    private final LogPublisher publisher;
    private final Clock clock;
    private final int chunkChars;
    private final long capBytes;
    private final Set<OutputRecorder> open = ConcurrentHashMap.newKeySet();

    /**
     * @param chunkChars the most characters one chunk holds
     * @param capBytes   the most output of one run that is recorded
     */
    public LiveOutput(LogStore store, LogPublisher publisher, Clock clock, int chunkChars, long capBytes) {
        this.store = store;
        this.publisher = publisher;
        this.clock = clock;
        this.chunkChars = chunkChars;
        this.capBytes = capBytes;
    }

    /** Starts recording run {@code attempt} of the job; its start is kept and announced with the first flush. */
    public OutputRecorder open(Job job, int attempt) {
        OutputRecorder recorder = new OutputRecorder(job, attempt, store, publisher, clock, chunkChars, capBytes);
        open.add(recorder);
        return recorder;
    }

    /**
     * Flushes the rest of the run's output; everything it wrote is kept and announced when this returns, unless the
     * store or the broker failed (logged; never thrown).
     */
    public void close(OutputRecorder recorder) {
        open.remove(recorder);
        try {
            recorder.finish();
        } catch (RuntimeException e) {
            // Best effort, like every flush: the run's own result must not fail for its live output.
            log.error("live output of a finished run could not be flushed: {}", e.getMessage(), e);
        }
    }

    /** Flushes every open run's output. Never throws: a failing flush is logged and the next tick tries again. */
    public void tick() {
        for (OutputRecorder recorder : open) {
            try {
                recorder.flush();
            } catch (RuntimeException e) {
                log.error("live output flush failed: {}", e.getMessage(), e);
            }
        }
    }
}
