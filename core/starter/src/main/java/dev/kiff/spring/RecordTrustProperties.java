package dev.kiff.spring;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Who Kiff believes on Kafka (see {@link dev.kiff.model.trust.RecordSignature}).
 *
 * @param recordKey     the platform key (env {@code KIFF_RECORD_KEY}), shared by every Kiff service and no one else:
 *                      every record a Kiff service produces is signed with it, and results, logs, batch events and
 *                      control records are believed only when signed with it. At least 32 characters; keep it
 *                      secret like a database password. {@code ./kiff dev} makes one.
 * @param trustedTopics job topics whose records are believed unsigned, as the platform's (env
 *                      {@code KIFF_TRUSTED_TOPICS}, comma-separated): only for a closed network where everyone who
 *                      can produce to the topic may run jobs as any tenant. Empty by default.
 */
@Validated
@ConfigurationProperties("kiff.kafka")
public record RecordTrustProperties(
        @NotNull @Size(min = 32, message = "must be set (KIFF_RECORD_KEY), at least 32 characters") String recordKey,
        List<String> trustedTopics) {

    public RecordTrustProperties {
        trustedTopics = trustedTopics == null ? List.of()
                : trustedTopics.stream().map(String::strip).filter(topic -> !topic.isEmpty()).toList();
    }
}
