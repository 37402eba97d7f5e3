package dev.kiff.worker.docker;

import com.github.dockerjava.api.DockerClient;
import dev.kiff.core.gateway.SandboxGateway;
import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.pool.SandboxFactory;
import dev.kiff.core.pool.WarmPool;
import dev.kiff.spring.BackgroundLoops;
import dev.kiff.worker.WorkerProperties;
import dev.kiff.worker.gateway.GatewayProperties;
import dev.kiff.worker.metrics.TimedSandboxFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The Docker engine clients, the sandboxes started on them, and the warm pools that hold those sandboxes. */
@Configuration(proxyBeanMethods = false)
public class DockerConfiguration {

    /** For short engine calls: every response must come within the call timeout. */
    @Bean(destroyMethod = "close")
    DockerClient dockerControlClient(DockerProperties properties, WorkerProperties worker) {
        return client(properties, properties.callTimeout(), worker.capacity() * 2 + 8);
    }

    /**
     * For the attach streams, one per sandbox for as long as it lives; a job's length is bounded by its timeout in
     * {@link DockerSandbox}, not by the transport.
     */
    @Bean(destroyMethod = "close")
    DockerClient dockerStreamClient(DockerProperties properties, WorkerProperties worker) {
        return client(properties, null, worker.capacity() * 2 + 8);
    }

    @Bean
    DockerSandboxFactory sandboxFactory(DockerClient dockerControlClient, DockerClient dockerStreamClient,
            DockerProperties properties, VmTypeCatalogue catalogue, SandboxGateway gateway,
            GatewayProperties gatewayProperties, JobCodec codec, Clock clock, WorkerProperties worker) {
        return new DockerSandboxFactory(dockerControlClient, dockerStreamClient, properties, catalogue, gateway,
                gatewayProperties.socketDirectory(), codec, clock, worker.id());
    }

    @Bean(destroyMethod = "shutdownNow")
    ExecutorService sandboxStarter(WorkerProperties worker) {
        return Executors.newFixedThreadPool(worker.startConcurrency(),
                BackgroundLoops.daemonThreads("kiff-sandbox-start"));
    }

    /** Also the worker's {@link dev.kiff.core.port.SandboxRuntime}: every job runs in one of its sandboxes. */
    @Bean
    WarmPool warmPool(SandboxFactory sandboxFactory, VmTypeCatalogue catalogue, WorkerProperties worker,
            ExecutorService sandboxStarter, Clock clock, MeterRegistry meters) {
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(
                BackgroundLoops.daemonThreads("kiff-sandbox-replace"));
        return new WarmPool(new TimedSandboxFactory(sandboxFactory, meters), catalogue, worker.vmTypes(), worker.initialTarget(), worker.capacity(),
                sandboxStarter, later, worker.replaceAfter(), clock);
    }

    private static DockerClient client(DockerProperties properties, Duration responseTimeout, int connections) {
        return DockerClients.create(properties.host(), properties.callTimeout(), responseTimeout, connections);
    }
}
