package dev.kiff.core.output;

import dev.kiff.model.output.LogChunk;
import java.util.List;

/** Announces jobs' output as it is written, to whoever watches the jobs live. */
public interface LogPublisher {

    /** Best effort: a chunk that cannot be announced stays readable from the {@link LogStore}. */
    void publish(List<LogChunk> chunks);
}
