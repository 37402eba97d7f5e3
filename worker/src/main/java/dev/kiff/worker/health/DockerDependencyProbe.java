package dev.kiff.worker.health;

import com.github.dockerjava.api.DockerClient;
import dev.kiff.model.failure.TransientFailure;
import dev.kiff.core.health.DependencyProbe;

/** Pings the Docker engine, on a client of its own whose timeouts are the probe's. */
public final class DockerDependencyProbe implements DependencyProbe {

    private final DockerClient engine;

    public DockerDependencyProbe(DockerClient engine) {
        this.engine = engine;
    }

    @Override
    public void probe() {
        try {
            engine.pingCmd().exec();
        } catch (RuntimeException e) {
            throw new TransientFailure("the Docker engine did not answer: " + e.getMessage(), e);
        }
    }
}
