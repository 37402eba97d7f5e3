package dev.kiff.worker.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.net.URI;
import java.time.Duration;

/** The one way a Docker engine client is built: the engine's address, bounded connects, a pool of connections. */
public final class DockerClients {

    private DockerClients() {
    }

    /**
     * @param responseTimeout the longest a response may take; null for streams that last as long as a sandbox (their
     *                        length is bounded by the job's own timeout)
     */
    public static DockerClient create(String host, Duration connectTimeout, Duration responseTimeout,
            int connections) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host)
                .build();
        ApacheDockerHttpClient.Builder http = new ApacheDockerHttpClient.Builder()
                .dockerHost(URI.create(host))
                .connectionTimeout(connectTimeout)
                .maxConnections(connections);
        if (responseTimeout != null) {
            http.responseTimeout(responseTimeout);
        }
        return DockerClientImpl.getInstance(config, http.build());
    }
}
