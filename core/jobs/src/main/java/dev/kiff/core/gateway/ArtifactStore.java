package dev.kiff.core.gateway;

import dev.kiff.model.job.ArtifactInfo;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Keeps the artifacts of finished jobs for their callers to download. */
public interface ArtifactStore {

    /** Stores a job's artifacts; storing the same job's artifacts again replaces them. */
    void save(UUID jobId, List<Artifact> artifacts);

    List<ArtifactInfo> list(UUID jobId);

    Optional<Artifact> find(UUID jobId, String name);
}
