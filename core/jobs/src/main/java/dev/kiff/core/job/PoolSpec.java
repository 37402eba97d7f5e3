package dev.kiff.core.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;
import java.util.Locale;

/**
 * How a VM type's sandboxes are kept warm.
 *
 * @param preload  Python modules the resident runner imports before any job arrives, so a job starts with them
 *                 already loaded; each costs idle memory in every warm sandbox
 * @param reuse    {@code none}: a sandbox runs one job and is destroyed (the default). {@code tenant}: it may serve
 *                 further jobs of the tenant of its first job, never another's, with its workspace wiped and every
 *                 leftover process killed between jobs. For trusted batch pipelines only: a job can leave state in
 *                 memory-resident caches of the interpreter or the kernel that the next job of the same tenant sees
 * @param isolation {@code namespaces}: the sandbox serves many jobs of one tenant, one at a time, each in Linux
 *                 namespaces of its own made by the runner (its own processes, mounts, scratch space, IPC, network
 *                 and /proc; nothing of one job is seen by the next), and is retired after maxUses or maxAgeMs;
 *                 where the runtime cannot give a job namespaces (gVisor) the runner says so and the sandbox serves
 *                 one job. {@code container} (the default): isolation is the container alone, as {@code reuse}
 *                 says
 * @param maxUses  how many jobs a reused sandbox serves before it is retired
 * @param maxAgeMs how long after its start a reused sandbox is retired
 * @param min      the fewest warm slots of this type the scheduler keeps across all workers, even when idle
 * @param max      the most warm slots of this type the scheduler asks for across all workers
 */
public record PoolSpec(List<String> preload, Reuse reuse, Isolation isolation, int maxUses, long maxAgeMs, int min,
        int max) {

    /** Single use, nothing preloaded, one warm slot at least and at most eight. */
    public static final PoolSpec DEFAULT = new PoolSpec(List.of(), Reuse.NONE, Isolation.CONTAINER, 1, 600_000, 1, 8);

    public PoolSpec {
        preload = preload == null ? List.of() : List.copyOf(preload);
        reuse = reuse == null ? Reuse.NONE : reuse;
        isolation = isolation == null ? Isolation.CONTAINER : isolation;
        if (preload.stream().anyMatch(m -> !m.matches("[A-Za-z_][A-Za-z0-9_.]*"))) {
            throw new IllegalArgumentException("pool.preload must name Python modules: " + preload);
        }
        if (maxUses < 1 || maxAgeMs < 1 || min < 0 || max < min) {
            throw new IllegalArgumentException("pool needs maxUses >= 1, maxAgeMs >= 1 and 0 <= min <= max");
        }
    }

    /** Whether a sandbox outlives its job: per-job namespaces, or the older tenant reuse. */
    public boolean reusesSandboxes() {
        return isolation == Isolation.NAMESPACES || reuse == Reuse.TENANT;
    }

    /** What keeps one job from the next in a sandbox that serves many. */
    public enum Isolation {
        NAMESPACES, CONTAINER;

        @JsonCreator
        public static Isolation fromWire(String value) {
            return Isolation.valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    /** Whether and with whom a sandbox is shared after its first job. */
    public enum Reuse {
        NONE, TENANT;

        @JsonCreator
        public static Reuse fromWire(String value) {
            return Reuse.valueOf(value.toUpperCase(Locale.ROOT));
        }
    }
}
