package dev.kiff.api.events;

import dev.kiff.model.job.InvalidJobException;
import dev.kiff.model.output.LogChunk;

/**
 * A place in one job's event stream, as its SSE ids spell it: {@code "<attempt>.<seq>"} ({@code "0.0"} is the
 * QUEUED status, {@code "<attempt>.0"} the start of a run, {@code "<attempt>.<n>"} its n-th output chunk), or
 * {@code "end"} after the result. Ids grow in stream order, so resuming after one skips exactly what was seen.
 */
record EventCursor(int attempt, int seq, boolean end) {

    /** Before the first event. */
    static final EventCursor START = new EventCursor(-1, -1, false);
    static final EventCursor END = new EventCursor(Integer.MAX_VALUE, Integer.MAX_VALUE, true);

    static EventCursor parse(String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return START;
        }
        if (lastEventId.equals("end")) {
            return END;
        }
        String[] parts = lastEventId.trim().split("\\.", 2);
        try {
            if (parts.length == 2) {
                return new EventCursor(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), false);
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw InvalidJobException.of("Last-Event-ID", "'" + lastEventId + "' is not an event id of this stream"
                + " (like 1.7 or end)");
    }

    static EventCursor of(LogChunk chunk) {
        return new EventCursor(chunk.attempt(), chunk.seq(), false);
    }

    boolean before(int otherAttempt, int otherSeq) {
        return attempt < otherAttempt || attempt == otherAttempt && seq < otherSeq;
    }

    String id() {
        return end ? "end" : attempt + "." + seq;
    }
}
