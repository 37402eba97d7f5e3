package dev.kiff.api.console;

import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The web console ({@code kiff.console.*}).
 *
 * @param schedulerUrl     {@code KIFF_CONSOLE_SCHEDULER_URL}: the base URL of a scheduler (its HTTP port, e.g.
 *                         {@code http://scheduler:8082}); the admin's Platform page shows its {@code /v1/pools},
 *                         {@code /v1/lag} and {@code /v1/scheduler/decisions}. Empty: the page says none is set. The
 *                         operator sets it, never a request: the API calls no address a user gave.
 * @param schedulerTimeout the longest one read of the scheduler takes before the page shows it as unreachable
 */
@Validated
@ConfigurationProperties("kiff.console")
public record ConsoleProperties(URI schedulerUrl, @NotNull Duration schedulerTimeout) {
}
