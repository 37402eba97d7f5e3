package dev.kiff.spring;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the VM-type catalogue comes from ({@code kiff.catalogue.*}).
 *
 * @param file a catalogue YAML file of this deployment ({@code KIFF_CATALOGUE}); unset, the built-in
 *             {@code kiff-catalogue.yml} of the contract module
 */
@ConfigurationProperties("kiff.catalogue")
public record CatalogueProperties(Path file) {
}
