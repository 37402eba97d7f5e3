package dev.kiff.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Variants of the built-in VM-type catalogue for tests and benchmarks, written to temporary files. */
public final class Catalogues {

    private static final String BUILT_IN = "/dev/kiff/core/kiff-catalogue.yml";

    private Catalogues() {
    }

    /**
     * The built-in catalogue with one VM type opted into {@code reuse: tenant} for up to {@code maxUses} jobs per
     * sandbox, as a trusted batch pipeline would have it.
     */
    public static Path reusing(String vmType, int maxUses) {
        String yaml;
        try (InputStream in = Catalogues.class.getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException(BUILT_IN + " is not on the classpath");
            }
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String reused = yaml.replaceFirst("(?m)^(  " + vmType + ":(?:\\n    .*)*?\\n    pool: \\{[^}]*?)reuse: none, "
                    + "maxUses: 1,", "$1reuse: tenant, maxUses: " + maxUses + ",");
            if (reused.equals(yaml)) {
                throw new IllegalStateException("could not opt " + vmType + " into reuse in the built-in catalogue");
            }
            Path file = Files.createTempFile("kiff-catalogue-", ".yml");
            Files.writeString(file, reused);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
