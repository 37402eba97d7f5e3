package dev.kiff.spring;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How the Kiff topics are created at start-up (idempotently: existing topics are left as they are).
 *
 * @param partitions        partitions of each job topic; the most workers that can share one VM type's queue
 * @param replicationFactor copies of each partition; 1 for the embedded single broker, 3 in production
 * @param maxMessageBytes   the largest record the job, result and dead-letter topics accept
 */
@Validated
@ConfigurationProperties("kiff.topics")
public record TopicProperties(
        @Min(1) Integer partitions,
        @Min(1) Short replicationFactor,
        @Min(1048576) Integer maxMessageBytes) {

    public TopicProperties {
        partitions = partitions == null ? 4 : partitions;
        replicationFactor = replicationFactor == null ? 1 : replicationFactor;
        maxMessageBytes = maxMessageBytes == null ? 4 * 1024 * 1024 : maxMessageBytes;
    }
}
