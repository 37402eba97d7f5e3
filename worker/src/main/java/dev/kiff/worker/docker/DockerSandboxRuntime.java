package dev.kiff.worker.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.api.model.Ulimit;
import com.github.dockerjava.api.model.Volume;
import dev.kiff.core.gateway.GatewaySession;
import dev.kiff.core.gateway.SandboxGateway;
import dev.kiff.core.failure.TransientFailure;
import dev.kiff.core.job.Job;
import dev.kiff.core.job.Limits;
import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.core.job.VmTypePolicy;
import dev.kiff.core.json.JobCodec;
import dev.kiff.core.port.SandboxRuntime;
import dev.kiff.core.sandbox.CapturedOutput;
import dev.kiff.core.sandbox.OutputCapture;
import dev.kiff.core.sandbox.RunnerEnvelope;
import dev.kiff.core.sandbox.SandboxOutcome;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SandboxRuntime} on a Docker engine: one fresh container per job, created from the VM type's image with
 * every door shut (no network, read-only root, no capabilities, no new privileges, non-root user, memory without
 * swap, CPU quota, pids and file ulimits), fed the job on its stdin, watched against the wall clock, and removed.
 *
 * <p>Two clients: {@code control} for short calls, each bounded by the configured call timeout, and {@code streams}
 * for the attach and wait streams that live as long as the job, bounded by the job's own timeout.
 */
public final class DockerSandboxRuntime implements SandboxRuntime {

    private static final Logger log = LoggerFactory.getLogger(DockerSandboxRuntime.class);

    /** The uid and gid the code runs as: the {@code kiff} user of the images, never root. */
    public static final String SANDBOX_USER = "10001:10001";
    /** Label on every sandbox container, so that leftovers can be found and removed. */
    public static final String MANAGED_LABEL = "dev.kiff.managed";

    private final DockerClient control;
    private final DockerClient streams;
    private final DockerProperties properties;
    private final VmTypeCatalogue catalogue;
    private final SandboxGateway gateway;
    private final JobCodec codec;
    private final Clock clock;
    private final String workerId;

    public DockerSandboxRuntime(DockerClient control, DockerClient streams, DockerProperties properties,
            VmTypeCatalogue catalogue, SandboxGateway gateway, JobCodec codec, Clock clock, String workerId) {
        this.control = control;
        this.streams = streams;
        this.properties = properties;
        this.catalogue = catalogue;
        this.gateway = gateway;
        this.codec = codec;
        this.clock = clock;
        this.workerId = workerId;
    }

    @Override
    public SandboxOutcome run(Job job) {
        try (JobInputs inputs = JobInputs.stage(properties.inputDirectory(), job);
                GatewaySession gatewaySession = gateway.open(job)) {
            return run(job, inputs, gatewaySession);
        }
    }

    private SandboxOutcome run(Job job, JobInputs inputs, GatewaySession gatewaySession) {
        String containerId = create(job, inputs, gatewaySession);
        OutputCallback output = new OutputCallback(job.limits().outputBytes(), properties.floodLimit().toBytes(),
                () -> {
                    log.info("Job(id={}) flooded its output past {}; killing its sandbox", job.id(),
                            properties.floodLimit());
                    // Not on the stream's own thread: the engine finishes a kill only once the attached output
                    // is drained, and this thread is the one draining it.
                    Thread killer = new Thread(() -> kill(containerId), "kiff-flood-kill-" + job.id());
                    killer.setDaemon(true);
                    killer.start();
                });
        try {
            attach(job, containerId, output, gatewaySession.bindings());
            Instant startedAt = clock.instant();
            call("start", job, () -> control.startContainerCmd(containerId).exec());
            boolean timedOut = !awaitExit(containerId, job.limits().timeoutMs());
            if (timedOut) {
                log.info("Job(id={}) passed its {} ms wall-clock limit; killing its sandbox", job.id(),
                        job.limits().timeoutMs());
                kill(containerId);
                awaitExit(containerId, properties.callTimeout().toMillis());
            }
            Instant finishedAt = clock.instant();
            output.awaitCompletion(properties.outputDrain().toMillis(), TimeUnit.MILLISECONDS);
            InspectContainerResponse.ContainerState state =
                    call("inspect", job, () -> control.inspectContainerCmd(containerId).exec()).getState();
            Long exitCode = state.getExitCodeLong();
            return new SandboxOutcome(
                    exitCode == null ? null : exitCode.intValue(),
                    output.stdout(), output.stderr(),
                    timedOut, Boolean.TRUE.equals(state.getOOMKilled()), output.flooded(), startedAt, finishedAt,
                    gatewaySession.artifacts());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientFailure("interrupted while running Job(id=" + job.id() + ")", e);
        } finally {
            closeQuietly(output);
            remove(containerId);
        }
    }

    private String create(Job job, JobInputs inputs, GatewaySession gatewaySession) {
        Limits limits = job.limits();
        VmTypePolicy policy = catalogue.policy(job.vmType());
        String runtime = properties.runtimeOverride() == null || properties.runtimeOverride().isBlank()
                ? policy.runtime() : properties.runtimeOverride();
        long memoryBytes = limits.memoryMb() * 1024L * 1024L;
        HostConfig host = HostConfig.newHostConfig()
                .withNetworkMode("none")
                .withRuntime(runtime)
                .withReadonlyRootfs(true)
                .withTmpFs(Map.of(
                        "/workspace", "rw,nosuid,nodev,size=" + properties.workspaceSize().toBytes()
                                + ",uid=10001,gid=10001,mode=0700",
                        "/tmp", "rw,nosuid,nodev,size=" + properties.tmpSize().toBytes()
                                + ",uid=10001,gid=10001,mode=0700",
                        "/out", "rw,nosuid,nodev,noexec,size=" + properties.outSize().toBytes()
                                + ",uid=10001,gid=10001,mode=0700"))
                .withBinds(binds(inputs, gatewaySession))
                .withCapDrop(Capability.ALL)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withMemory(memoryBytes)
                .withMemorySwap(memoryBytes)
                .withMemorySwappiness(0L)
                .withNanoCPUs(Math.round(limits.cpus() * 1_000_000_000L))
                .withPidsLimit((long) limits.pids()
                        + (runtime.equals("runsc") ? properties.gvisorPidsOverhead() : 0))
                .withUlimits(List.of(
                        new Ulimit("nofile", properties.maxOpenFiles(), properties.maxOpenFiles()),
                        new Ulimit("fsize", properties.maxFileSize().toBytes(), properties.maxFileSize().toBytes())))
                // Output reaches the worker through the attach stream only: a log driver would write floods to disk.
                .withLogConfig(new LogConfig(LogConfig.LoggingType.NONE));
        String image = policy.image();
        try {
            return call("create", job, () -> control.createContainerCmd(image)
                    .withName("kiff-" + job.id() + "-" + Long.toHexString(clock.millis()))
                    .withLabels(Map.of(MANAGED_LABEL, "true", "dev.kiff.job-id", job.id().toString(),
                            "dev.kiff.worker", workerId))
                    .withUser(SANDBOX_USER)
                    .withWorkingDir("/workspace")
                    .withNetworkDisabled(true)
                    .withAttachStdin(true)
                    .withStdinOpen(true)
                    .withStdInOnce(true)
                    .withAttachStdout(true)
                    .withAttachStderr(true)
                    .withHostConfig(host)
                    .exec()).getId();
        } catch (TransientFailure e) {
            if (e.getCause() instanceof NotFoundException) {
                throw new TransientFailure("image " + image + " is not on this Docker engine; build it with "
                        + "images/build.sh", e);
            }
            throw e;
        }
    }

    /**
     * The only host paths a sandbox sees: its own input files (read-only) and the directory holding its own gateway
     * socket.
     */
    private static List<Bind> binds(JobInputs inputs, GatewaySession gatewaySession) {
        List<Bind> binds = new ArrayList<>();
        binds.add(new Bind(gatewaySession.directory().toString(), new Volume(GatewaySession.SANDBOX_DIRECTORY),
                AccessMode.rw));
        if (inputs.directory() != null) {
            binds.add(new Bind(inputs.directory().toString(), new Volume("/input"), AccessMode.ro));
        }
        return binds;
    }

    private void attach(Job job, String containerId, OutputCallback output, List<String> bindings)
            throws InterruptedException {
        byte[] envelope = codec.write(RunnerEnvelope.of(job, bindings));
        byte[] line = new byte[envelope.length + 1];
        System.arraycopy(envelope, 0, line, 0, envelope.length);
        line[envelope.length] = '\n';
        call("attach", job, () -> streams.attachContainerCmd(containerId)
                .withStdIn(new ByteArrayInputStream(line))
                .withStdOut(true)
                .withStdErr(true)
                .withFollowStream(true)
                .exec(output));
        if (!output.awaitStarted(properties.callTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TransientFailure("Docker did not attach to the sandbox of Job(id=" + job.id() + ") within "
                    + properties.callTimeout());
        }
    }

    /** True when the container exited within {@code millis}. */
    private boolean awaitExit(String containerId, long millis) {
        try (WaitContainerResultCallback wait = streams.waitContainerCmd(containerId)
                .exec(new WaitContainerResultCallback())) {
            wait.awaitStatusCode(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (DockerClientException e) {
            // awaitStatusCode's way of saying the time ran out.
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private void kill(String containerId) {
        try {
            control.killContainerCmd(containerId).exec();
        } catch (RuntimeException e) {
            // It may have exited between the timeout and the kill; the inspect that follows tells.
            log.debug("kill of container {} failed: {}", containerId, e.toString());
        }
    }

    private void remove(String containerId) {
        try {
            control.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            log.debug("container {} was already removed", containerId);
        } catch (RuntimeException e) {
            log.error("could not remove sandbox container {}: {}", containerId, e.toString());
        }
    }

    private static <T> T call(String what, Job job, DockerCall<T> call) {
        try {
            return call.exec();
        } catch (RuntimeException e) {
            throw new TransientFailure("Docker " + what + " failed for Job(id=" + job.id() + "): " + e.getMessage(),
                    e);
        }
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            log.debug("closing a Docker stream failed: {}", e.toString());
        }
    }

    @FunctionalInterface
    private interface DockerCall<T> {
        T exec();
    }

    /** Collects the sandbox's stdout and stderr frames, each capped at the job's output limit. */
    private static final class OutputCallback extends ResultCallback.Adapter<Frame> {

        private final OutputCapture stdout;
        private final OutputCapture stderr;
        private final long floodLimit;
        private final Runnable onFlood;
        private boolean flooded;

        OutputCallback(int cap, long floodLimit, Runnable onFlood) {
            this.stdout = new OutputCapture(cap);
            this.stderr = new OutputCapture(cap);
            this.floodLimit = floodLimit;
            this.onFlood = onFlood;
        }

        @Override
        public void onNext(Frame frame) {
            byte[] payload = frame.getPayload();
            if (payload == null) {
                return;
            }
            synchronized (this) {
                if (frame.getStreamType() == StreamType.STDERR) {
                    stderr.append(payload);
                } else {
                    stdout.append(payload);
                }
                if (!flooded && Math.max(stdout.totalBytes(), stderr.totalBytes()) > floodLimit) {
                    flooded = true;
                    onFlood.run();
                }
            }
        }

        synchronized boolean flooded() {
            return flooded;
        }

        synchronized CapturedOutput stdout() {
            return stdout.result();
        }

        synchronized CapturedOutput stderr() {
            return stderr.result();
        }
    }
}
