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
     * The built-in catalogue with one VM type opted into {@code reuse: tenant} (container isolation, wiped between
     * jobs) for up to {@code maxUses} jobs per sandbox, as a trusted batch pipeline would have it.
     */
    public static Path reusing(String vmType, int maxUses) {
        return withPool(vmType, "container", "tenant", maxUses);
    }

    /** The built-in catalogue with every VM type on one container per job ({@code isolation: container}). */
    public static Path containerPerJob() {
        return withPool("[a-z-]+", "container", "none", 1);
    }

    /**
     * The built-in catalogue with the pool of the VM types matching {@code vmTypes} (a regular expression) set to
     * this isolation, reuse and maximum uses.
     */
    public static Path withPool(String vmTypes, String isolation, String reuse, int maxUses) {
        String yaml;
        try (InputStream in = Catalogues.class.getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException(BUILT_IN + " is not on the classpath");
            }
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String changed = yaml.replaceAll("(?m)^(  (?:" + vmTypes + "):(?:\\n    .*)*?\\n    pool: \\{[^}]*?)"
                    + "isolation: namespaces, reuse: none, maxUses: \\d+,",
                    "$1isolation: " + isolation + ", reuse: " + reuse + ", maxUses: " + maxUses + ",");
            if (changed.equals(yaml)) {
                throw new IllegalStateException("could not change the pool of " + vmTypes
                        + " in the built-in catalogue");
            }
            Path file = Files.createTempFile("kiff-catalogue-", ".yml");
            Files.writeString(file, changed);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
