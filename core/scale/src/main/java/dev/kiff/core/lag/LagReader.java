package dev.kiff.core.lag;

import dev.kiff.model.failure.TransientFailure;
import java.util.List;

/** Reads how far the workers are behind on each VM type's job topic. */
public interface LagReader {

    /**
     * One entry per VM type.
     *
     * @throws TransientFailure when the broker did not answer in time
     */
    List<QueueLag> read();
}
