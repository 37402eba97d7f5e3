package dev.kiff.core.output;

import dev.kiff.model.output.LogChunk;
import java.util.List;
import java.util.UUID;

/** Where jobs' output is kept once written: readable while the job runs and after it ended. */
public interface LogStore {

    /** Keeps the chunks; a chunk kept before (same job, attempt and seq) is not kept twice. */
    void append(List<LogChunk> chunks);

    /** The job's chunks after (attempt, seq), in order; {@code (0, -1)} reads them all. */
    List<LogChunk> read(UUID jobId, int afterAttempt, int afterSeq);
}
