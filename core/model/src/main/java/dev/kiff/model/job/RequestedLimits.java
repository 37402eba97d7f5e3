package dev.kiff.model.job;


/** Limits as a client sends them: any value may be left out ({@code null}) to take the VM type's default. */
public record RequestedLimits(Long timeoutMs, Integer memoryMb, Double cpus, Integer pids, Integer outputBytes) {

    public static final RequestedLimits NONE = new RequestedLimits(null, null, null, null, null);

    public static RequestedLimits of(Limits limits) {
        return new RequestedLimits(limits.timeoutMs(), limits.memoryMb(), limits.cpus(), limits.pids(),
                limits.outputBytes());
    }
}
