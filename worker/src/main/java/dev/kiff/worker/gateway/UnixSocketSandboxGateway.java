package dev.kiff.worker.gateway;

import dev.kiff.core.gateway.GatewayAuditLog;
import dev.kiff.core.gateway.GatewaySession;
import dev.kiff.core.gateway.SandboxGateway;
import dev.kiff.core.job.Job;
import dev.kiff.core.job.VmTypeCatalogue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link SandboxGateway} on unix-domain sockets: each job gets a socket of its own, so the socket a request
 * arrives on says which job sent it, and no sandbox needs a network interface. Upstream calls share one pooled
 * {@link HttpClient} with persistent connections; connections from sandboxes are served by one bounded pool.
 */
public final class UnixSocketSandboxGateway implements SandboxGateway, AutoCloseable {

    private final GatewayProperties properties;
    private final VmTypeCatalogue catalogue;
    private final GatewayAuditLog audit;
    private final Clock clock;
    private final HttpClient upstreams;
    private final ExecutorService connections;
    private final ScheduledExecutorService deadlines;

    public UnixSocketSandboxGateway(GatewayProperties properties, VmTypeCatalogue catalogue, GatewayAuditLog audit,
            Clock clock, int maxConcurrentJobs) {
        this.properties = properties;
        this.catalogue = catalogue;
        this.audit = audit;
        this.clock = clock;
        this.upstreams = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(properties.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        int threads = Math.max(2, maxConcurrentJobs * properties.maxConnectionsPerJob());
        // Bounded: each job may hold maxConnectionsPerJob, so the pool never needs more than this.
        this.connections = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                daemonThreads("kiff-gateway-"));
        ((ThreadPoolExecutor) connections).allowCoreThreadTimeOut(true);
        this.deadlines = new ScheduledThreadPoolExecutor(1, daemonThreads("kiff-gateway-deadline-"));
        try {
            Files.createDirectories(properties.socketDirectory());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the gateway socket directory "
                    + properties.socketDirectory(), e);
        }
    }

    @Override
    public GatewaySession open(Job job, Path directory) {
        List<String> allowed = catalogue.policy(job.vmType()).bindings();
        return UnixSocketGatewaySession.open(job, directory, allowed, properties, upstreams, connections, deadlines,
                audit, clock);
    }

    @Override
    public void close() {
        connections.shutdownNow();
        deadlines.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
