package dev.kiff.core.lag;

import java.time.Instant;
import java.util.List;

/** The lag of every VM type as read at one moment; {@code error} says why the last read failed, if it did. */
public record LagReport(Instant readAt, List<QueueLag> queues, String error) {

    public static final LagReport NONE = new LagReport(null, List.of(), "not read yet");
}
