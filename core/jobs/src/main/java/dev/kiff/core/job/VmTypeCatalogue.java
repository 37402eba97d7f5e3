package dev.kiff.core.job;

import dev.kiff.model.job.Language;
import dev.kiff.model.job.Limits;
import dev.kiff.model.job.VmType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The policy of every VM type: one place that says what each type may use. It is read from one YAML file, the
 * built-in {@code kiff-catalogue.yml} unless a deployment names its own.
 */
public final class VmTypeCatalogue {

    private static final String BUILT_IN = "/dev/kiff/core/kiff-catalogue.yml";

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

    /** The catalogue shipped with Kiff. */
    public static VmTypeCatalogue builtIn() {
        try (InputStream in = VmTypeCatalogue.class.getResourceAsStream(BUILT_IN)) {
            return parse(in, BUILT_IN);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A catalogue file of a deployment, in the format of the built-in one. */
    public static VmTypeCatalogue load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the VM-type catalogue " + file, e);
        }
    }

    private static VmTypeCatalogue parse(InputStream in, String source) {
        YAMLMapper yaml = YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        try {
            CatalogueFile file = yaml.readValue(in, CatalogueFile.class);
            return new VmTypeCatalogue(file.vmTypes().entrySet().stream()
                    .map(e -> e.getValue().toPolicy(VmType.fromWire(e.getKey())))
                    .toList());
        } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("invalid VM-type catalogue " + source + ": " + e.getMessage(), e);
        }
    }

    public VmTypePolicy policy(VmType type) {
        return policies.get(type);
    }

    private record CatalogueFile(Map<String, Entry> vmTypes) {
    }

    private record Entry(String image, List<Language> languages, String runtime, NetworkPolicy network,
            List<String> bindings, Limits defaults, Limits maximum, PoolSpec pool) {

        VmTypePolicy toPolicy(VmType type) {
            return new VmTypePolicy(type, image, languages == null ? List.of() : languages, runtime, network,
                    bindings == null ? List.of() : bindings, defaults, maximum, pool);
        }
    }
}
