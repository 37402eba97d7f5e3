package dev.kiff.scheduler;

import dev.kiff.model.control.WorkerState;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.scale.FleetView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The workers as their reports on the compacted worker-state topic describe them: the latest state per worker id, a
 * tombstone removes one, and a worker silent for longer than the staleness limit no longer counts.
 */
public final class KafkaFleetView implements FleetView {

    private final Map<String, WorkerState> latest = new ConcurrentHashMap<>();
    private final JobCodec codec;
    private final Duration staleAfter;
    private final Clock clock;

    public KafkaFleetView(JobCodec codec, Duration staleAfter, Clock clock) {
        this.codec = codec;
        this.staleAfter = staleAfter;
        this.clock = clock;
    }

    /** One record of the worker-state topic. */
    public void accept(String workerId, byte[] value) {
        if (workerId == null) {
            return;
        }
        if (value == null) {
            latest.remove(workerId);
        } else {
            latest.put(workerId, codec.readWorkerState(value));
        }
    }

    @Override
    public List<WorkerState> liveWorkers() {
        Instant cutoff = clock.instant().minus(staleAfter);
        return latest.values().stream()
                .filter(state -> state.at().isAfter(cutoff))
                .sorted(Comparator.comparing(WorkerState::at))
                .toList();
    }
}
