package dev.kiff.core.scale;

import dev.kiff.model.control.WorkerState;
import dev.kiff.model.job.VmType;
import dev.kiff.model.control.PoolStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits each VM type's total of warm slots over the workers that serve it: as evenly as possible (the remainder to
 * the workers with the fewest slots so far), and never more on one worker than its capacity less the sandboxes its sessions hold. A pure function.
 */
public final class TargetSplit {

    private TargetSplit() {
    }

    /** Per worker id, per VM type, the slots to hold. Every live worker gets an entry for each type it serves. */
    public static Map<String, Map<VmType, Integer>> split(Map<VmType, Integer> totals, List<WorkerState> workers) {
        Map<String, Map<VmType, Integer>> targets = new LinkedHashMap<>();
        Map<String, Integer> room = new LinkedHashMap<>();
        List<WorkerState> ordered = new ArrayList<>(workers);
        ordered.sort(Comparator.comparing(WorkerState::workerId));
        for (WorkerState worker : ordered) {
            Map<VmType, Integer> mine = new EnumMap<>(VmType.class);
            worker.pools().stream().map(PoolStatus::vmType).forEach(type -> mine.put(type, 0));
            targets.put(worker.workerId(), mine);
            room.put(worker.workerId(), worker.poolRoom());
        }
        // Types in a fixed order, one slot at a time round-robin: each type's minimum lands before another's surplus.
        Map<VmType, Integer> left = new EnumMap<>(VmType.class);
        totals.forEach((type, total) -> left.put(type, Math.max(0, total)));
        boolean placed = true;
        while (placed) {
            placed = false;
            for (Map.Entry<VmType, Integer> entry : left.entrySet()) {
                if (entry.getValue() == 0) {
                    continue;
                }
                VmType type = entry.getKey();
                String best = null;
                for (String worker : targets.keySet()) {
                    Map<VmType, Integer> mine = targets.get(worker);
                    if (!mine.containsKey(type) || room.get(worker) <= 0) {
                        continue;
                    }
                    if (best == null || mine.get(type) < targets.get(best).get(type)) {
                        best = worker;
                    }
                }
                if (best != null) {
                    targets.get(best).merge(type, 1, Integer::sum);
                    room.merge(best, -1, Integer::sum);
                    entry.setValue(entry.getValue() - 1);
                    placed = true;
                }
            }
        }
        return targets;
    }
}
