package dev.kiff.api;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The API's settings ({@code kiff.api.*}).
 *
 * @param publishTimeout how long a submission waits for the broker to take the job before answering 503
 * @param maxBodySize    the largest request body accepted; larger ones get 413 before they are parsed
 * @param retryAfter     the {@code Retry-After} hint sent with a 503
 * @param maxWait        the longest {@code ?wait=} a client may ask of {@code GET /v1/jobs/{id}}
 * @param pollAfter      the {@code Retry-After} hint on an answer for a job that has not ended yet
 */
@Validated
@ConfigurationProperties("kiff.api")
public record ApiProperties(
        @NotNull Duration publishTimeout,
        @NotNull DataSize maxBodySize,
        @NotNull Duration retryAfter,
        @NotNull Duration maxWait,
        @NotNull Duration pollAfter) {
}
