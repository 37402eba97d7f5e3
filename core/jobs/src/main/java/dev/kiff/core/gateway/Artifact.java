package dev.kiff.core.gateway;

import dev.kiff.model.job.ArtifactInfo;

/**
 * A file a job produced for its caller (written to {@code /out} in the sandbox).
 *
 * @param name relative path under {@code /out}, e.g. {@code report.csv}
 */
public record Artifact(String name, byte[] content) {

    public ArtifactInfo info() {
        return new ArtifactInfo(name, content.length);
    }
}
