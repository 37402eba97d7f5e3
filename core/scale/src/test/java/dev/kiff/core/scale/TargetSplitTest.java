package dev.kiff.core.scale;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.model.control.WorkerState;
import dev.kiff.model.job.VmType;
import dev.kiff.model.control.PoolStatus;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetSplitTest {

    private static WorkerState worker(String id, int capacity, VmType... types) {
        return new WorkerState(WorkerState.VERSION, id, Instant.EPOCH, capacity, Arrays.stream(types)
                .map(t -> new PoolStatus(t, 0, 0, 0, 0, capacity, 0, 0)).toList());
    }

    @Test
    void splitsEvenlyWithTheRemainderSpread() {
        var split = TargetSplit.split(Map.of(VmType.CODE_EXEC, 5),
                List.of(worker("a", 8, VmType.CODE_EXEC), worker("b", 8, VmType.CODE_EXEC)));

        assertThat(split.get("a").get(VmType.CODE_EXEC) + split.get("b").get(VmType.CODE_EXEC)).isEqualTo(5);
        assertThat(Math.abs(split.get("a").get(VmType.CODE_EXEC) - split.get("b").get(VmType.CODE_EXEC)))
                .isLessThanOrEqualTo(1);
    }

    @Test
    void givesATypeOnlyToWorkersThatServeIt() {
        var split = TargetSplit.split(Map.of(VmType.ML_AGENT, 3),
                List.of(worker("a", 8, VmType.CODE_EXEC), worker("b", 8, VmType.ML_AGENT)));

        assertThat(split.get("a")).doesNotContainKey(VmType.ML_AGENT);
        assertThat(split.get("b")).containsEntry(VmType.ML_AGENT, 3);
    }

    @Test
    void neverGivesAWorkerMoreThanItsCapacityAndServesEveryTypesMinimumFirst() {
        var split = TargetSplit.split(Map.of(VmType.CODE_EXEC, 10, VmType.ML_AGENT, 1),
                List.of(worker("a", 4, VmType.CODE_EXEC, VmType.ML_AGENT)));

        assertThat(split.get("a")).containsEntry(VmType.ML_AGENT, 1).containsEntry(VmType.CODE_EXEC, 3);
    }

    @Test
    void leavesOutTheRoomSessionsHold() {
        PoolStatus holdingSessions = new PoolStatus(VmType.CODE_EXEC, 0, 0, 0, 0, 4, 0, 0, 3);
        WorkerState a = new WorkerState(WorkerState.VERSION, "a", Instant.EPOCH, 4, List.of(holdingSessions));

        var split = TargetSplit.split(Map.of(VmType.CODE_EXEC, 4), List.of(a, worker("b", 4, VmType.CODE_EXEC)));

        assertThat(split.get("a")).as("3 of a's 4 slots are sessions'").containsEntry(VmType.CODE_EXEC, 1);
        assertThat(split.get("b")).containsEntry(VmType.CODE_EXEC, 3);
    }

    @Test
    void noWorkersNoTargets() {
        assertThat(TargetSplit.split(Map.of(VmType.CODE_EXEC, 3), List.of())).isEmpty();
    }
}
