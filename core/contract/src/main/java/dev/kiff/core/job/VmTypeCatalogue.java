package dev.kiff.core.job;

import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;

/** The policy of every VM type: one place that says what each type may use. */
public final class VmTypeCatalogue {

    private final Map<VmType, VmTypePolicy> policies;

    public VmTypeCatalogue(Collection<VmTypePolicy> policies) {
        EnumMap<VmType, VmTypePolicy> byType = new EnumMap<>(VmType.class);
        for (VmTypePolicy policy : policies) {
            byType.put(policy.type(), policy);
        }
        for (VmType type : VmType.values()) {
            if (!byType.containsKey(type)) {
                throw new IllegalArgumentException("no policy for vmType " + type);
            }
        }
        this.policies = Map.copyOf(byType);
    }

    /**
     * The built-in catalogue. Until the per-type images exist, every type runs on the {@code code-exec} image; the
     * limits already differ per type.
     */
    public static VmTypeCatalogue defaults() {
        String image = "kiff/code-exec:latest";
        int kib = 1024;
        return new VmTypeCatalogue(java.util.List.of(
                new VmTypePolicy(VmType.CODE_EXEC, image,
                        new Limits(10_000, 256, 1.0, 64, 64 * kib),
                        new Limits(60_000, 1024, 2.0, 256, 1024 * kib)),
                new VmTypePolicy(VmType.ML_AGENT, image,
                        new Limits(30_000, 512, 1.0, 64, 64 * kib),
                        new Limits(300_000, 2048, 2.0, 256, 1024 * kib)),
                new VmTypePolicy(VmType.API_COMPOSITION, image,
                        new Limits(30_000, 256, 1.0, 64, 64 * kib),
                        new Limits(120_000, 1024, 2.0, 256, 1024 * kib)),
                new VmTypePolicy(VmType.DATA_PROCESSING, image,
                        new Limits(60_000, 1024, 2.0, 128, 256 * kib),
                        new Limits(600_000, 4096, 2.0, 512, 4096 * kib))));
    }

    public VmTypePolicy policy(VmType type) {
        return policies.get(type);
    }
}
