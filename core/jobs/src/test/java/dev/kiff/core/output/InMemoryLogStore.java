package dev.kiff.core.output;

import dev.kiff.model.output.LogChunk;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/** A {@link LogStore} in memory, keeping each (job, attempt, seq) once, as the database one does. */
public final class InMemoryLogStore implements LogStore {

    private final List<LogChunk> chunks = new ArrayList<>();

    @Override
    public synchronized void append(List<LogChunk> more) {
        for (LogChunk chunk : more) {
            boolean kept = chunks.stream().anyMatch(c -> c.jobId().equals(chunk.jobId())
                    && c.attempt() == chunk.attempt() && c.seq() == chunk.seq());
            if (!kept) {
                chunks.add(chunk);
            }
        }
    }

    @Override
    public synchronized List<LogChunk> read(UUID jobId, int afterAttempt, int afterSeq) {
        return chunks.stream()
                .filter(c -> c.jobId().equals(jobId) && c.after(afterAttempt, afterSeq))
                .sorted(Comparator.comparingInt(LogChunk::attempt).thenComparingInt(LogChunk::seq))
                .toList();
    }
}
