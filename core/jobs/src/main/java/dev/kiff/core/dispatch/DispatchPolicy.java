package dev.kiff.core.dispatch;

import dev.kiff.core.dispatch.JobBacklog.Waiting;
import dev.kiff.model.job.VmType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which held jobs one dispatcher tick publishes, and in what order: tenants take turns, one job of each of its VM types per turn, each
 * at most as many as its open window has room for, the tick at most {@code perTick} jobs. The tenant served first
 * moves on every tick, so when the tick's budget runs out it is never the same tenants that wait. Publishing in turn
 * order also interleaves tenants' records in the partitions, rather than one tenant's all ahead of another's.
 */
public final class DispatchPolicy {

    private final int window;
    private final int perTick;

    /**
     * @param window  the most jobs of one tenant and VM type published and not yet ended
     * @param perTick the most jobs one tick publishes
     */
    public DispatchPolicy(int window, int perTick) {
        if (window < 1 || perTick < 1) {
            throw new IllegalArgumentException("window and perTick must be positive: " + window + ", " + perTick);
        }
        this.window = window;
        this.perTick = perTick;
    }

    public int window() {
        return window;
    }

    /** A slot of the plan: publish the oldest held job of this tenant and VM type next. */
    public record Slot(String tenant, VmType vmType) {
    }

    /**
     * @param after the tenant served first by the previous tick, or null; this tick starts with the next one
     * @param slots the jobs to publish, in publish order
     * @param first the tenant served first this tick (the next tick's {@code after}), or null for an empty plan
     */
    public record Plan(List<Slot> slots, String first) {
    }

    /** The plan for a tick, given what is waiting and the tenant the previous tick served first. */
    public Plan plan(List<Waiting> waiting, String after) {
        // Per tenant (in name order), its groups (in VM type order), each with the room it has this tick.
        TreeMap<String, List<int[]>> rooms = new TreeMap<>();
        TreeMap<String, List<VmType>> types = new TreeMap<>();
        List<Waiting> sorted = waiting.stream()
                .sorted(Comparator.comparing(Waiting::tenant).thenComparing(Waiting::vmType)).toList();
        for (Waiting w : sorted) {
            int room = Math.min(w.waiting(), window - w.inFlight());
            if (room > 0) {
                rooms.computeIfAbsent(w.tenant(), t -> new ArrayList<>()).add(new int[] {room});
                types.computeIfAbsent(w.tenant(), t -> new ArrayList<>()).add(w.vmType());
            }
        }
        if (rooms.isEmpty()) {
            return new Plan(List.of(), null);
        }
        List<String> order = new ArrayList<>();
        Map<String, List<int[]>> tail = after == null ? Map.of() : rooms.tailMap(after, false);
        order.addAll(tail.keySet());
        rooms.keySet().stream().filter(t -> !tail.containsKey(t)).forEach(order::add);
        List<Slot> slots = new ArrayList<>();
        boolean any = true;
        while (any && slots.size() < perTick) {
            any = false;
            for (String tenant : order) {
                List<int[]> groups = rooms.get(tenant);
                for (int g = 0; g < groups.size() && slots.size() < perTick; g++) {
                    if (groups.get(g)[0] > 0) {
                        groups.get(g)[0]--;
                        slots.add(new Slot(tenant, types.get(tenant).get(g)));
                        any = true;
                    }
                }
            }
        }
        return new Plan(List.copyOf(slots), order.get(0));
    }
}
