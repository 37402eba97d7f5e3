package dev.kiff.worker.docker;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Ulimit;
import com.github.dockerjava.api.model.Volume;
import dev.kiff.model.failure.TransientFailure;
import dev.kiff.core.gateway.GatewaySession;
import dev.kiff.core.gateway.SandboxGateway;
import dev.kiff.model.job.Limits;
import dev.kiff.core.job.NetworkPolicy;
import dev.kiff.core.job.PoolSpec;
import dev.kiff.model.job.VmType;
import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.core.job.VmTypePolicy;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.pool.Sandbox;
import dev.kiff.core.pool.SandboxFactory;
import dev.kiff.core.pool.SandboxInventory;
import dev.kiff.core.pool.WarmPool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts sandboxes on a Docker engine: each a container of the VM type's image with every door shut (no network,
 * read-only root, no capabilities, no new privileges, non-root user, memory without swap, CPU quota, pids and file
 * ulimits, no log driver), its resident runner attached and waiting for a job.
 *
 * <p>Every sandbox gets Kiff's seccomp profile ({@code sandbox-seccomp.json}) instead of Docker's default, and no
 * core dumps. Under {@code isolation: namespaces} the runner gives every job Linux namespaces of its own, which
 * that profile (like Docker's) forbids: an isolating container gets it without its rules refusing {@code unshare},
 * {@code mount} and namespace flags to {@code clone}, and its {@code /proc}
 * unmasked, since the kernel lets a user namespace mount a fresh {@code /proc} only where the existing one is fully
 * visible. The runner masks the same paths again in every job's own {@code /proc}; the job never sees the
 * container's.
 *
 * <p>The only host paths a sandbox sees are two directories of its own: its input files (read-only, at /input) and
 * the directory where each job's gateway socket appears (at /run/kiff).
 */
public final class DockerSandboxFactory implements SandboxFactory, SandboxInventory {

    private static final Logger log = LoggerFactory.getLogger(DockerSandboxFactory.class);

    /** The uid and gid the code runs as: the {@code kiff} user of the images, never root. */
    public static final String SANDBOX_USER = "10001:10001";
    /** Label on every sandbox container, so that leftovers can be found and removed. */
    public static final String MANAGED_LABEL = "dev.kiff.managed";
    static final String WORKER_LABEL = "dev.kiff.worker";
    static final String HOST_LABEL = "dev.kiff.host";
    static final String PID_LABEL = "dev.kiff.worker-pid";
    static final String POOL_LABEL = "dev.kiff.pool";
    /** The name of the sandbox's two host directories (inputs, gateway socket). */
    static final String SLOT_LABEL = "dev.kiff.slot";
    /**
     * The runner's own processes beside an isolated job: the runner, the job's init and the gateway relay, and the
     * next job's init while it is made.
     */
    private static final int ISOLATION_PIDS = 4;

    private final DockerClient control;
    private final DockerClient streams;
    private final DockerProperties properties;
    private final VmTypeCatalogue catalogue;
    private final SandboxGateway gateway;
    private final Path gatewayRoot;
    private final JobCodec codec;
    private final Clock clock;
    private final String workerId;
    private final String host;
    private final String pid;
    private final AtomicLong sequence = new AtomicLong();
    /** Kiff's one seccomp profile as written: for every sandbox that does not isolate its jobs. */
    private final String seccompProfile = seccompProfile(false);
    /** The same profile without its rules refusing namespaces and mounts: for the runner of an isolating sandbox. */
    private final String isolatingSeccompProfile = seccompProfile(true);
    /** The container each recent job ran in, for diagnostics: which sandbox was it, and is it gone? */
    private final Map<UUID, String> recent = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(256, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<UUID, String> eldest) {
                    return size() > 1024;
                }
            });
    /**
     * Containers of sandboxes destroyed while the engine did not answer (a dockerd restart, an unreachable socket):
     * removed once it answers again, at the next sandbox start, so that none keeps running a job nobody waits for.
     */
    private final java.util.Set<String> unremoved = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Tells this process's sandbox directories from those of an earlier run under the same worker name. */
    private final String instance = Long.toString(ProcessHandle.current().pid(), 36)
            + Long.toString(System.nanoTime() % 1296, 36);

    public DockerSandboxFactory(DockerClient control, DockerClient streams, DockerProperties properties,
            VmTypeCatalogue catalogue, SandboxGateway gateway, Path gatewayRoot, JobCodec codec, Clock clock,
            String workerId) {
        this.control = control;
        this.streams = streams;
        this.properties = properties;
        this.catalogue = catalogue;
        this.gateway = gateway;
        this.gatewayRoot = gatewayRoot;
        this.codec = codec;
        this.clock = clock;
        this.workerId = workerId;
        this.host = hostName();
        this.pid = String.valueOf(ProcessHandle.current().pid());
    }

    @Override
    public Sandbox start(VmType type, boolean reusable, Limits limits) {
        removeUnremoved();
        VmTypePolicy policy = catalogue.policy(type);
        String runtime = properties.runtimeOverride() == null || properties.runtimeOverride().isBlank()
                ? policy.runtime() : properties.runtimeOverride();
        long number = sequence.incrementAndGet();
        String name = "kiff-" + workerId.replaceAll("[^a-zA-Z0-9_.-]", "_") + "-" + type.wireName() + "-"
                + Long.toHexString(clock.millis()) + "-" + number;
        // Short: a unix socket's path must stay under 108 bytes, whatever the worker's name.
        String slot = instance + "-" + Long.toString(number, 36);
        Path inputs = directory(properties.inputDirectory().resolve(slot));
        Path gatewayDirectory = directory(gatewayRoot.resolve(slot));
        // Told to the runner, which ends the sandbox once idle past it, worker or no worker. A reusing pool retires
        // a sandbox at its maximum age; a single-use one keeps an unused sandbox up to the configured lifetime.
        java.time.Instant deadline = clock.instant().plus(reusable
                ? java.time.Duration.ofMillis(policy.pool().maxAgeMs()).plus(WarmPool.DEADLINE_MARGIN)
                : properties.sandboxLifetime());
        String containerId;
        try {
            containerId = create(name, slot, type, policy, runtime, reusable, limits, inputs, gatewayDirectory,
                    deadline);
        } catch (RuntimeException e) {
            DockerSandbox.deleteTree(inputs);
            DockerSandbox.deleteTree(gatewayDirectory);
            throw e;
        }
        DockerSandbox sandbox = new DockerSandbox(containerId, name, type, runtime.equals("runsc"), reusable,
                isolating(policy),
                limits, control, properties, gateway, codec, clock, inputs, gatewayDirectory,
                job -> recent.put(job, containerId), deadline, unremoved::add);
        try {
            DockerSandbox.Attachment attachment = streams.attachContainerCmd(containerId)
                    .withStdIn(sandbox.stdin())
                    .withStdOut(true)
                    .withStdErr(true)
                    .withFollowStream(true)
                    .exec(sandbox.attachment());
            // The engine streams only what is written after the attach: start the runner once it is attached, or
            // its READY frame may be written to nobody.
            if (!attachment.awaitStarted(properties.callTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new TransientFailure("Docker did not attach to sandbox " + name + " within "
                        + properties.callTimeout());
            }
            control.startContainerCmd(containerId).exec();
            if (!sandbox.awaitReady(properties.callTimeout().toMillis())) {
                throw new TransientFailure("the runner of sandbox " + name + " was not ready within "
                        + properties.callTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sandbox.destroy();
            throw new TransientFailure("interrupted while starting sandbox " + name, e);
        } catch (RuntimeException e) {
            sandbox.destroy();
            throw e instanceof TransientFailure t ? t
                    : new TransientFailure("Docker could not start sandbox " + name + ": " + e.getMessage(), e);
        }
        log.debug("sandbox {} ready ({}, {})", name, type.wireName(), runtime);
        return sandbox;
    }

    private String create(String name, String slot, VmType type, VmTypePolicy policy, String runtime,
            boolean reusable, Limits limits, Path inputs, Path gatewayDirectory, java.time.Instant deadline) {
        long memoryBytes = limits.memoryMb() * 1024L * 1024L;
        boolean isolating = isolating(policy);
        // Kiff's profile for every sandbox (gVisor applies it only when runsc runs with --oci-seccomp; its own
        // kernel implements none of the refused calls for the code either way).
        List<String> securityOpts = new ArrayList<>(List.of("no-new-privileges",
                "seccomp=" + (isolating ? isolatingSeccompProfile : seccompProfile)));
        HostConfig hostConfig = (isolating ? new UnmaskedHostConfig() : HostConfig.newHostConfig())
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
                .withBinds(List.of(
                        new Bind(gatewayDirectory.toString(), new Volume(GatewaySession.SANDBOX_DIRECTORY),
                                AccessMode.rw),
                        new Bind(inputs.toString(), new Volume("/input"), AccessMode.ro)))
                .withCapDrop(Capability.ALL)
                .withSecurityOpts(securityOpts)
                .withMemory(memoryBytes)
                .withMemorySwap(memoryBytes)
                .withMemorySwappiness(0L)
                .withNanoCPUs(Math.round(limits.cpus() * 1_000_000_000L))
                .withPidsLimit(pidsLimit(limits, runtime.equals("runsc"), isolating, properties))
                .withUlimits(List.of(
                        new Ulimit("nofile", properties.maxOpenFiles(), properties.maxOpenFiles()),
                        new Ulimit("fsize", properties.maxFileSize().toBytes(), properties.maxFileSize().toBytes()),
                        // No core dumps: a crash must not write the job's memory anywhere.
                        new Ulimit("core", 0L, 0L)))
                // Output reaches the worker through the attach stream only: a log driver would write floods to disk.
                .withLogConfig(new LogConfig(LogConfig.LoggingType.NONE));
        PoolSpec pool = policy.pool();
        List<String> env = new ArrayList<>();
        env.add("KIFF_PRELOAD=" + String.join(",", pool.preload()));
        env.add("KIFF_DEADLINE=" + deadline.getEpochSecond());
        // Isolating: every job in namespaces of its own, each with its own scratch space of these sizes. Reused: the
        // runner waits for the next job. Single use: it kills what the job left and idles until removed.
        if (isolating) {
            env.add("KIFF_ISOLATE=1");
            env.add("KIFF_WORKSPACE_BYTES=" + properties.workspaceSize().toBytes());
            env.add("KIFF_TMP_BYTES=" + properties.tmpSize().toBytes());
            env.add("KIFF_OUT_BYTES=" + properties.outSize().toBytes());
            env.add("KIFF_SHM_BYTES=" + properties.shmSize().toBytes());
            if (policy.network() == NetworkPolicy.GATEWAY && !policy.bindings().isEmpty()) {
                env.add("KIFF_GATEWAY=1"); // each job's namespaces get the gateway relay, made before the job
            }
        } else {
            env.add(reusable ? "KIFF_REUSE=1" : "KIFF_LINGER=1");
        }
        try {
            return control.createContainerCmd(policy.image())
                    .withName(name)
                    .withLabels(Map.of(MANAGED_LABEL, "true", WORKER_LABEL, workerId, HOST_LABEL, host,
                            PID_LABEL, pid, POOL_LABEL, type.wireName(), SLOT_LABEL, slot))
                    .withUser(SANDBOX_USER)
                    .withWorkingDir("/workspace")
                    .withEnv(env)
                    .withNetworkDisabled(true)
                    .withAttachStdin(true)
                    .withStdinOpen(true)
                    .withStdInOnce(true)
                    .withAttachStdout(true)
                    .withAttachStderr(true)
                    .withHostConfig(hostConfig)
                    .exec().getId();
        } catch (NotFoundException e) {
            throw new TransientFailure("image " + policy.image() + " is not on this Docker engine; build it with "
                    + "./kiff images", e);
        } catch (RuntimeException e) {
            throw new TransientFailure("Docker could not create sandbox " + name + ": " + e.getMessage(), e);
        }
    }

    /** The id of the container one of the last 1024 jobs ran in, or null. */
    public String containerOf(UUID jobId) {
        return recent.get(jobId);
    }

    static boolean isolating(VmTypePolicy policy) {
        return policy.pool().isolation() == PoolSpec.Isolation.NAMESPACES;
    }

    /**
     * The job's pids limit, plus what the platform's own processes in the sandbox need: gVisor's kernel threads,
     * or the runner's per-job processes.
     */
    static long pidsLimit(Limits limits, boolean gvisor, boolean isolating, DockerProperties properties) {
        return (long) limits.pids() + (gvisor ? properties.gvisorPidsOverhead() : 0)
                + (isolating ? ISOLATION_PIDS : 0);
    }

    /**
     * Kiff's seccomp profile ({@code sandbox-seccomp.json}); for an isolating sandbox without the rules whose comment
     * says they are refused unless isolating (unshare, mount, namespace flags to clone), which its runner needs and
     * then refuses to every job with a filter of its own.
     */
    static String seccompProfile(boolean isolating) {
        try (var in = DockerSandboxFactory.class.getResourceAsStream("sandbox-seccomp.json")) {
            if (in == null) {
                throw new IllegalStateException("sandbox-seccomp.json is missing from the worker's classpath");
            }
            ObjectMapper json = new ObjectMapper();
            ObjectNode profile = (ObjectNode) json.readTree(in);
            if (isolating) {
                ArrayNode kept = json.createArrayNode();
                for (JsonNode rule : profile.withArray("syscalls")) {
                    if (!rule.path("comment").asText().startsWith(REFUSED_UNLESS_ISOLATING)) {
                        kept.add(rule);
                    }
                }
                profile.set("syscalls", kept);
            }
            return json.writeValueAsString(profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How the profile marks the rules an isolating sandbox goes without. */
    static final String REFUSED_UNLESS_ISOLATING = "refused unless isolating";

    /**
     * docker-java's HostConfig lacks the engine's {@code MaskedPaths} and {@code ReadonlyPaths}; empty lists turn
     * them off, as {@code docker run --security-opt systempaths=unconfined} does.
     */
    static final class UnmaskedHostConfig extends HostConfig {
        private static final long serialVersionUID = 1L;

        @JsonProperty("MaskedPaths")
        private final List<String> maskedPaths = List.of();

        @JsonProperty("ReadonlyPaths")
        private final List<String> readonlyPaths = List.of();
    }

    /**
     * Leftovers are sandboxes labelled with this worker's name (a restart under the same name), or with this host and
     * the pid of a worker process that no longer runs (a restart under a generated name).
     */
    @Override
    public int removeLeftovers() {
        List<Container> containers = control.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(MANAGED_LABEL, "true"))
                .exec();
        int removed = 0;
        for (Container container : containers) {
            Map<String, String> labels = container.getLabels();
            boolean mine = workerId.equals(labels.get(WORKER_LABEL)) && !pid.equals(labels.get(PID_LABEL));
            boolean orphan = host.equals(labels.get(HOST_LABEL)) && labels.get(PID_LABEL) != null
                    && !pid.equals(labels.get(PID_LABEL)) && !processRuns(labels.get(PID_LABEL));
            if (mine || orphan) {
                try {
                    control.removeContainerCmd(container.getId()).withForce(true).withRemoveVolumes(true).exec();
                    removed++;
                } catch (NotFoundException e) {
                    log.debug("leftover sandbox {} was already gone", container.getId());
                }
                String slot = labels.get(SLOT_LABEL);
                if (slot != null && slot.matches("[a-z0-9-]+")) {
                    DockerSandbox.deleteTree(properties.inputDirectory().resolve(slot));
                    DockerSandbox.deleteTree(gatewayRoot.resolve(slot));
                }
            }
        }
        if (removed > 0) {
            log.info("removed {} sandbox(es) a previous run of worker {} left behind", removed, workerId);
        }
        return removed;
    }

    /** Removes the containers of sandboxes destroyed while the engine did not answer; those it still refuses stay. */
    private void removeUnremoved() {
        for (String container : List.copyOf(unremoved)) {
            try {
                control.removeContainerCmd(container).withForce(true).withRemoveVolumes(true).exec();
                log.info("removed sandbox container {}, left behind while the engine did not answer", container);
            } catch (NotFoundException e) {
                log.debug("sandbox container {} was already gone", container);
            } catch (RuntimeException e) {
                log.debug("sandbox container {} still cannot be removed: {}", container, e.toString());
                continue;
            }
            unremoved.remove(container);
        }
    }

    /** Every Kiff-labelled container on this engine, whichever worker made it, in any state. */
    @Override
    public List<SandboxInventory.Held> sandboxes() {
        return control.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(MANAGED_LABEL, "true"))
                .exec().stream()
                .map(c -> new SandboxInventory.Held(c.getId(), c.getLabels().get(WORKER_LABEL),
                        java.time.Instant.ofEpochSecond(c.getCreated() == null ? 0 : c.getCreated())))
                .toList();
    }

    @Override
    public void remove(SandboxInventory.Held sandbox) {
        String slot = null;
        try {
            Map<String, String> labels = control.inspectContainerCmd(sandbox.id()).exec().getConfig().getLabels();
            slot = labels == null ? null : labels.get(SLOT_LABEL);
            control.removeContainerCmd(sandbox.id()).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            log.debug("sandbox {} was already gone", sandbox.id());
        }
        if (slot != null && slot.matches("[a-z0-9-]+")) {
            DockerSandbox.deleteTree(properties.inputDirectory().resolve(slot));
            DockerSandbox.deleteTree(gatewayRoot.resolve(slot));
        }
    }

    private static boolean processRuns(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static Path directory(Path path) {
        try {
            Files.createDirectories(path.getParent());
            Files.createDirectory(path, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwxr-xr-x")));
            return path;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + path, e);
        }
    }

    /** The kernel's host name: no lookup, so no traffic. */
    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
