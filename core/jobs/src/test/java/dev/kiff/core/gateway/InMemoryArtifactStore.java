package dev.kiff.core.gateway;

import dev.kiff.model.job.ArtifactInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** An {@link ArtifactStore} in memory: saving a job's artifacts again replaces them. */
public final class InMemoryArtifactStore implements ArtifactStore {

    private final Map<UUID, List<Artifact>> saved = new HashMap<>();

    @Override
    public void save(UUID jobId, List<Artifact> artifacts) {
        saved.put(jobId, List.copyOf(artifacts));
    }

    @Override
    public List<ArtifactInfo> list(UUID jobId) {
        return saved.getOrDefault(jobId, List.of()).stream().map(Artifact::info).toList();
    }

    @Override
    public Optional<Artifact> find(UUID jobId, String name) {
        return saved.getOrDefault(jobId, List.of()).stream().filter(a -> a.name().equals(name)).findFirst();
    }
}
