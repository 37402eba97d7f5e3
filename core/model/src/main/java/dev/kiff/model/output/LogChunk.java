package dev.kiff.model.output;

import java.time.Instant;
import java.util.UUID;

/**
 * A piece of a job's live output: the value on {@code kiff.logs} (keyed by job id, contract version {@code v}) and a
 * row of the job's kept log. Chunks of one run are numbered from 1 in the order the code wrote them; the chunk
 * numbered 0 (stream {@link #START}) marks the start of the run.
 *
 * @param attempt which run of the job wrote it (1 for the first)
 * @param seq     its place in that run's output
 * @param stream  {@link #STDOUT}, {@link #STDERR}, {@link #START}, or {@link #NOTICE} (a message of the platform,
 *                such as the live output reaching its cap)
 * @param data    the text, decoded as UTF-8; a character is never split between two chunks
 */
public record LogChunk(int v, UUID jobId, String tenant, int attempt, int seq, String stream, String data,
        Instant at) {

    public static final int VERSION = 1;
    public static final String STDOUT = "stdout";
    public static final String STDERR = "stderr";
    public static final String START = "start";
    public static final String NOTICE = "notice";

    /** Whether this chunk comes after the point (attempt, seq) in a job's output. */
    public boolean after(int afterAttempt, int afterSeq) {
        return attempt > afterAttempt || attempt == afterAttempt && seq > afterSeq;
    }
}
