package dev.kiff.worker.gateway;

import dev.kiff.core.gateway.BatchingGatewayAuditLog;
import dev.kiff.core.gateway.GatewayAuditLog;
import dev.kiff.core.gateway.GatewaySession;
import dev.kiff.core.gateway.SandboxGateway;
import dev.kiff.model.job.Job;
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
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SandboxGateway} on unix-domain sockets: each job gets a socket of its own, so the socket a request
 * arrives on says which job sent it, and no sandbox needs a network interface. Upstream calls share one pooled
 * {@link HttpClient} with persistent connections. What all jobs together may hold is bounded here: connections
 * (a thread and a buffer each), the heap their artifacts hold until stored, and the audit records waiting for the
 * database, which a background writer inserts in batches.
 */
public final class UnixSocketSandboxGateway implements SandboxGateway, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UnixSocketSandboxGateway.class);

    private final GatewayProperties properties;
    private final VmTypeCatalogue catalogue;
    private final BatchingGatewayAuditLog audit;
    private final Clock clock;
    private final HttpClient upstreams;
    private final ExecutorService connections;
    private final ScheduledExecutorService deadlines;
    private final ScheduledExecutorService auditWriter;
    private final Semaphore connectionSlots;
    private final Semaphore artifactMemory;

    public UnixSocketSandboxGateway(GatewayProperties properties, VmTypeCatalogue catalogue, GatewayAuditLog audit,
            Clock clock) {
        this.properties = properties;
        this.catalogue = catalogue;
        this.clock = clock;
        this.audit = new BatchingGatewayAuditLog(audit, properties.auditQueue(), properties.auditBatch(), clock);
        this.upstreams = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(properties.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        int threads = properties.maxConnections();
        // Never queues: a connection gets a thread only after it got one of the maxConnections slots.
        this.connections = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                daemonThreads("kiff-gateway-"));
        ((ThreadPoolExecutor) connections).allowCoreThreadTimeOut(true);
        this.connectionSlots = new Semaphore(threads);
        this.artifactMemory = new Semaphore((int) Math.min(Integer.MAX_VALUE, properties.artifactMemory().toBytes()));
        this.deadlines = new ScheduledThreadPoolExecutor(1, daemonThreads("kiff-gateway-deadline-"));
        this.auditWriter = new ScheduledThreadPoolExecutor(1, daemonThreads("kiff-gateway-audit-"));
        long every = properties.auditFlushInterval().toMillis();
        auditWriter.scheduleWithFixedDelay(this::writeAudit, every, every, TimeUnit.MILLISECONDS);
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
        return UnixSocketGatewaySession.open(job, directory, allowed, this);
    }

    /** Gateway calls dropped from the audit since the worker started, because its queue was full. */
    public long auditDropped() {
        return audit.dropped();
    }

    @Override
    public void close() {
        connections.shutdownNow();
        deadlines.shutdownNow();
        auditWriter.shutdownNow();
        try {
            auditWriter.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writeAudit(); // what is still queued
    }

    private void writeAudit() {
        try {
            audit.tick();
        } catch (RuntimeException e) {
            log.error("Gateway audit writer failed a round: {}", e.toString());
        }
    }

    GatewayProperties properties() {
        return properties;
    }

    Clock clock() {
        return clock;
    }

    BatchingGatewayAuditLog audit() {
        return audit;
    }

    HttpClient upstreams() {
        return upstreams;
    }

    ExecutorService connections() {
        return connections;
    }

    ScheduledExecutorService deadlines() {
        return deadlines;
    }

    boolean acquireConnection() {
        return connectionSlots.tryAcquire();
    }

    void releaseConnection() {
        connectionSlots.release();
    }

    boolean reserveArtifactMemory(long bytes) {
        return bytes <= 0 || (bytes <= Integer.MAX_VALUE && artifactMemory.tryAcquire((int) bytes));
    }

    void releaseArtifactMemory(long bytes) {
        if (bytes > 0) {
            artifactMemory.release((int) bytes);
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
