package dev.kiff.core.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiff.core.dispatch.DispatchPolicy.Plan;
import dev.kiff.core.dispatch.DispatchPolicy.Slot;
import dev.kiff.core.dispatch.JobBacklog.Waiting;
import dev.kiff.model.job.VmType;
import java.util.List;
import org.junit.jupiter.api.Test;

class DispatchPolicyTest {

    private static final VmType CODE = VmType.CODE_EXEC;
    private static final VmType DATA = VmType.DATA_PROCESSING;

    private static List<String> tenants(Plan plan) {
        return plan.slots().stream().map(Slot::tenant).toList();
    }

    @Test
    void givesEachTenantOneJobPerTurnSoABigBacklogDoesNotGoFirst() {
        Plan plan = new DispatchPolicy(4, 100).plan(List.of(
                new Waiting("a", CODE, 5000, 0), new Waiting("b", CODE, 1, 0), new Waiting("c", CODE, 2, 0)), null);

        assertThat(tenants(plan)).containsExactly("a", "b", "c", "a", "c", "a", "a");
        assertThat(plan.first()).isEqualTo("a");
    }

    @Test
    void publishesNoMoreThanTheWindowHasRoomFor() {
        Plan plan = new DispatchPolicy(8, 100).plan(List.of(
                new Waiting("a", CODE, 5000, 6), new Waiting("b", CODE, 10, 8), new Waiting("c", CODE, 3, 0)), null);

        assertThat(tenants(plan)).containsExactly("a", "c", "a", "c", "c");
    }

    @Test
    void givesATenantAtItsWindowNothing() {
        Plan plan = new DispatchPolicy(8, 100).plan(List.of(new Waiting("a", CODE, 5000, 8)), "z");

        assertThat(plan.slots()).isEmpty();
        assertThat(plan.first()).isNull();
    }

    @Test
    void startsEachTickWithTheTenantAfterTheOneServedFirstLastTime() {
        DispatchPolicy policy = new DispatchPolicy(100, 2);
        List<Waiting> waiting = List.of(new Waiting("a", CODE, 50, 0), new Waiting("b", CODE, 50, 0),
                new Waiting("c", CODE, 50, 0));

        Plan first = policy.plan(waiting, null);
        Plan second = policy.plan(waiting, first.first());
        Plan third = policy.plan(waiting, second.first());
        Plan fourth = policy.plan(waiting, third.first());

        assertThat(tenants(first)).containsExactly("a", "b");
        assertThat(tenants(second)).containsExactly("b", "c");
        assertThat(tenants(third)).containsExactly("c", "a");
        assertThat(tenants(fourth)).containsExactly("a", "b");
    }

    @Test
    void startsFromTheFirstTenantWhenTheOneServedFirstHasNothingLeft() {
        Plan plan = new DispatchPolicy(100, 3).plan(List.of(new Waiting("b", CODE, 5, 0),
                new Waiting("d", CODE, 5, 0)), "c");

        assertThat(tenants(plan)).containsExactly("d", "b", "d");
        assertThat(plan.first()).isEqualTo("d");
    }

    @Test
    void keepsEachVmTypeWindowApart() {
        Plan plan = new DispatchPolicy(2, 100).plan(List.of(new Waiting("a", CODE, 10, 2),
                new Waiting("a", DATA, 10, 0)), null);

        assertThat(plan.slots()).containsExactly(new Slot("a", DATA), new Slot("a", DATA));
    }

    @Test
    void stopsAtTheTickBudget() {
        Plan plan = new DispatchPolicy(1000, 5).plan(List.of(new Waiting("a", CODE, 5000, 0),
                new Waiting("b", CODE, 5000, 0)), null);

        assertThat(tenants(plan)).containsExactly("a", "b", "a", "b", "a");
    }

    @Test
    void refusesAWindowOfNothing() {
        assertThatThrownBy(() -> new DispatchPolicy(0, 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
