package dev.kiff.api.console;

import java.util.Optional;

/**
 * What the schedulers know about the fleet, for the console: the warm pools per worker, the lag per VM type, and the
 * latest scaling decisions with their reasons. Read from a scheduler rather than rebuilt in the API: the decisions
 * and the lag exist only in the scheduler (its memory, its Kafka admin reads), and the API would otherwise need a
 * consumer of {@code kiff.control.workers} and the ACLs for it just to show a page.
 */
public interface SchedulerView {

    /** A scheduler's answer to one of its read endpoints, as JSON text; empty when no scheduler is configured. */
    Optional<String> read(String path);
}
