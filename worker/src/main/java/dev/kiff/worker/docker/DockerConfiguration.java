package dev.kiff.worker.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.kiff.core.gateway.SandboxGateway;
import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.core.json.JobCodec;
import dev.kiff.core.port.SandboxRuntime;
import dev.kiff.worker.WorkerProperties;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The Docker engine clients and the sandbox runtime built on them. */
@Configuration(proxyBeanMethods = false)
public class DockerConfiguration {

    /** For short engine calls: every response must come within the call timeout. */
    @Bean(destroyMethod = "close")
    DockerClient dockerControlClient(DockerProperties properties, WorkerProperties worker) {
        return client(properties, properties.callTimeout(), worker.concurrency() * 2 + 4);
    }

    /**
     * For the attach and wait streams, which stay open as long as a job runs; their length is bounded by the job's
     * timeout in {@link DockerSandboxRuntime}, not by the transport.
     */
    @Bean(destroyMethod = "close")
    DockerClient dockerStreamClient(DockerProperties properties, WorkerProperties worker) {
        return client(properties, null, worker.concurrency() * 2 + 4);
    }

    @Bean
    SandboxRuntime sandboxRuntime(DockerClient dockerControlClient, DockerClient dockerStreamClient,
            DockerProperties properties, VmTypeCatalogue catalogue, SandboxGateway gateway, JobCodec codec,
            Clock clock, WorkerProperties worker) {
        return new DockerSandboxRuntime(dockerControlClient, dockerStreamClient, properties,
                catalogue, gateway, codec, clock, worker.id());
    }

    private static DockerClient client(DockerProperties properties, Duration responseTimeout, int connections) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(properties.host())
                .build();
        ApacheDockerHttpClient.Builder http = new ApacheDockerHttpClient.Builder()
                .dockerHost(URI.create(properties.host()))
                .connectionTimeout(properties.callTimeout())
                .maxConnections(connections);
        if (responseTimeout != null) {
            http.responseTimeout(responseTimeout);
        }
        return DockerClientImpl.getInstance(config, http.build());
    }
}
