package dev.kiff.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiff.model.job.Language;
import dev.kiff.model.job.VmType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmTypeCatalogueTest {

    @Test
    void builtInCatalogueDefinesEveryVmType() {
        VmTypeCatalogue catalogue = VmTypeCatalogue.builtIn();
        assertThat(catalogue.policy(VmType.CODE_EXEC).languages()).containsExactly(Language.PYTHON, Language.NODE,
                Language.BASH);
        assertThat(catalogue.policy(VmType.ML_AGENT).bindings()).containsExactly("ml", "vectors", "backend");
        assertThat(catalogue.policy(VmType.ML_AGENT).network()).isEqualTo(NetworkPolicy.GATEWAY);
        assertThat(catalogue.policy(VmType.DATA_PROCESSING).network()).isEqualTo(NetworkPolicy.NONE);
        assertThat(catalogue.policy(VmType.DATA_PROCESSING).maximum().memoryMb()).isEqualTo(4096);
    }

    @Test
    void refusesAGatewayTypeWithoutBindings(@TempDir Path dir) throws Exception {
        Path file = builtInWith(dir, "bindings: [ml, vectors, backend]", "bindings: []");
        assertThatThrownBy(() -> VmTypeCatalogue.load(file))
                .hasMessageContaining("network 'gateway' needs bindings");
    }

    @Test
    void refusesAnUnknownRuntime(@TempDir Path dir) throws Exception {
        Path file = builtInWith(dir, "runtime: runc", "runtime: kata");
        assertThatThrownBy(() -> VmTypeCatalogue.load(file)).hasMessageContaining("runtime must be runc or runsc");
    }

    /** A copy of the built-in catalogue with the first {@code from} replaced by {@code to}. */
    private static Path builtInWith(Path dir, String from, String to) throws Exception {
        String builtIn = new String(VmTypeCatalogue.class.getResourceAsStream("/dev/kiff/core/kiff-catalogue.yml")
                .readAllBytes());
        return Files.writeString(dir.resolve("catalogue.yml"), builtIn.replaceFirst(java.util.regex.Pattern.quote(from),
                java.util.regex.Matcher.quoteReplacement(to)));
    }
}
