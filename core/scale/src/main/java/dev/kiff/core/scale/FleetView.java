package dev.kiff.core.scale;

import dev.kiff.model.control.WorkerState;
import java.util.List;

/** The workers the scheduler can count on: those whose latest state is recent enough. */
public interface FleetView {

    /** The latest state of every live worker, oldest first. */
    List<WorkerState> liveWorkers();
}
