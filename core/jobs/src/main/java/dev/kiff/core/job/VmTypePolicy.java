package dev.kiff.core.job;

import dev.kiff.model.job.Language;
import dev.kiff.model.job.Limits;
import dev.kiff.model.job.RequestedLimits;
import dev.kiff.model.job.Violation;
import dev.kiff.model.job.VmType;
import java.util.List;
import java.util.function.Function;

/**
 * What one VM type allows: the image its sandboxes start from, the OCI runtime that runs them, what they may reach,
 * the limits a job gets when it names none, and the most it may ask for.
 *
 * @param languages the interpreters its image carries
 * @param runtime  {@code runc}, or {@code runsc} for gVisor
 * @param bindings names of the service bindings (upstreams such as {@code ml}) its jobs may call through the gateway
 * @param pool     how its sandboxes are kept warm and whether they are reused
 */
public record VmTypePolicy(VmType type, String image, List<Language> languages, String runtime,
        NetworkPolicy network, List<String> bindings, Limits defaults, Limits maximum, PoolSpec pool) {

    public VmTypePolicy {
        bindings = List.copyOf(bindings);
        languages = List.copyOf(languages);
        pool = pool == null ? PoolSpec.DEFAULT : pool;
        if (!runtime.equals("runc") && !runtime.equals("runsc")) {
            throw new IllegalArgumentException("vmType " + type + ": runtime must be runc or runsc, not " + runtime);
        }
        if ((network == NetworkPolicy.GATEWAY) == bindings.isEmpty()) {
            throw new IllegalArgumentException("vmType " + type + ": network 'gateway' needs bindings and 'none' "
                    + "allows none");
        }
    }

    /**
     * Fills the requested limits from the defaults and checks them against {@link Limits#MINIMUM} and the maximum.
     * Every limit out of range is reported, each under its own field name ({@code limits.memoryMb}).
     */
    public Limits resolve(RequestedLimits requested, List<Violation> violations) {
        RequestedLimits asked = requested == null ? RequestedLimits.NONE : requested;
        Limits resolved = new Limits(
                pick(asked.timeoutMs(), defaults.timeoutMs()),
                pick(asked.memoryMb(), defaults.memoryMb()),
                pick(asked.cpus(), defaults.cpus()),
                pick(asked.pids(), defaults.pids()),
                pick(asked.outputBytes(), defaults.outputBytes()));
        check("timeoutMs", resolved, Limits::timeoutMs, violations);
        check("memoryMb", resolved, Limits::memoryMb, violations);
        check("cpus", resolved, Limits::cpus, violations);
        check("pids", resolved, Limits::pids, violations);
        check("outputBytes", resolved, Limits::outputBytes, violations);
        return resolved;
    }

    private static <T> T pick(T asked, T fallback) {
        return asked != null ? asked : fallback;
    }

    private <N extends Number & Comparable<N>> void check(String name, Limits resolved, Function<Limits, N> limit,
            List<Violation> violations) {
        N value = limit.apply(resolved);
        N min = limit.apply(Limits.MINIMUM);
        N max = limit.apply(maximum);
        if (value.compareTo(min) < 0) {
            violations.add(Violation.invalid("limits." + name, value + " is below the minimum " + min));
        } else if (value.compareTo(max) > 0) {
            violations.add(Violation.invalid("limits." + name,
                    value + " exceeds the maximum " + max + " for vmType " + type));
        }
    }
}
