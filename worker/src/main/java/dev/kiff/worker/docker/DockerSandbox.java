package dev.kiff.worker.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.kiff.model.failure.TransientFailure;
import dev.kiff.core.gateway.GatewaySession;
import dev.kiff.core.gateway.SandboxGateway;
import dev.kiff.core.gateway.GatewayUsage;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.Limits;
import dev.kiff.model.job.ResourceUsage;
import dev.kiff.model.job.VmType;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.pool.Sandbox;
import dev.kiff.core.sandbox.OutputCapture;
import dev.kiff.core.sandbox.OutputListener;
import dev.kiff.core.sandbox.RunnerEnvelope;
import dev.kiff.core.sandbox.RunnerFrames;
import dev.kiff.core.sandbox.RunnerCommand;
import dev.kiff.core.sandbox.SandboxDisplay;
import dev.kiff.core.sandbox.SandboxOutcome;
import dev.kiff.core.sandbox.SessionEnvelope;
import dev.kiff.core.sandbox.SessionFile;
import dev.kiff.core.sandbox.SessionOutcome;
import dev.kiff.core.sandbox.SessionSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One Docker container whose resident Kiff runner waits for a job envelope on its attached stdin. Its output comes
 * back as runner frames on the attached stdout (see {@link RunnerFrames}); the frame {@code X} ends a job. When the
 * container dies instead (killed on timeout or flood, or the runner itself was killed), the end of the attach stream
 * ends the job.
 *
 * <p>An isolating sandbox serves many jobs: the runner gives each its own namespaces and kills it at its own limits,
 * so the sandbox outlives a job that timed out, flooded or ran out of memory. Only when the runner does not answer
 * in time does the worker kill the whole sandbox. When the runner reports that it could not isolate (gVisor), the
 * sandbox serves one job.
 */
final class DockerSandbox implements Sandbox {

    private static final Logger log = LoggerFactory.getLogger(DockerSandbox.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** What the runner may relay past the flood limit before it stops: a read or two of its pipes. */
    private static final long FLOOD_SLACK = 1024 * 1024;
    private static final AtomicBoolean toldNoIsolation = new AtomicBoolean();
    /** What is kept of the kernel's output while it opens (a failure's reason). */
    private static final int OPEN_OUTPUT = 64 * 1024;
    private static final byte[] INTERRUPT = "{\"op\":\"interrupt\"}\n".getBytes(StandardCharsets.UTF_8);

    private final String containerId;
    private final String name;
    private final VmType type;
    private final boolean gvisor;
    private final DockerClient control;
    private final DockerProperties properties;
    private final SandboxGateway gateway;
    private final JobCodec codec;
    private final Clock clock;
    private final Path inputDirectory;
    private final Path gatewayDirectory;
    private final Consumer<UUID> onJob;
    private final EnvelopeFeed stdin = new EnvelopeFeed();
    private volatile boolean reusable;
    private final boolean isolating;
    private volatile boolean isolated;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final CompletableFuture<Void> streamEnded = new CompletableFuture<>();
    private Limits limits;
    private Instant readyAt;
    private volatile JobRun current;
    private volatile boolean dead;
    /** Set when this worker killed the container itself (timeout, flood, cancellation, a broken runner). */
    private volatile boolean killedHere;
    private boolean destroyed;
    private Attachment attachment;
    /** The session this sandbox holds for good, once opened: it then takes commands, never jobs. */
    private volatile SessionSpec session;

    private final Instant deadline;
    /** Told the container of a sandbox this one could not remove because the engine did not answer. */
    private final Consumer<String> unremoved;

    DockerSandbox(String containerId, String name, VmType type, boolean gvisor, boolean reusable, boolean isolating,
            Limits limits, DockerClient control, DockerProperties properties, SandboxGateway gateway, JobCodec codec,
            Clock clock, Path inputDirectory, Path gatewayDirectory, Consumer<UUID> onJob, Instant deadline,
            Consumer<String> unremoved) {
        this.deadline = deadline;
        this.unremoved = unremoved;
        this.containerId = containerId;
        this.name = name;
        this.type = type;
        this.gvisor = gvisor;
        this.reusable = reusable;
        this.isolating = isolating;
        this.limits = limits;
        this.control = control;
        this.properties = properties;
        this.gateway = gateway;
        this.codec = codec;
        this.clock = clock;
        this.inputDirectory = inputDirectory;
        this.gatewayDirectory = gatewayDirectory;
        this.onJob = onJob;
    }

    EnvelopeFeed stdin() {
        return stdin;
    }

    Attachment attachment() {
        attachment = new Attachment();
        return attachment;
    }

    /** Waits for the runner's READY frame. */
    boolean awaitReady(long millis) throws InterruptedException {
        if (ready.await(millis, TimeUnit.MILLISECONDS)) {
            readyAt = clock.instant();
            return true;
        }
        return false;
    }

    @Override
    public String id() {
        return name;
    }

    @Override
    public VmType vmType() {
        return type;
    }

    @Override
    public Instant readyAt() {
        return readyAt;
    }

    /** Told to its runner (KIFF_DEADLINE), which ends the sandbox once idle past it. */
    @Override
    public Instant deadline() {
        return deadline;
    }

    @Override
    public boolean accepts(Limits wanted) {
        return !gvisor || sameLimits(wanted);
    }

    private boolean sameLimits(Limits wanted) {
        return wanted.memoryMb() == limits.memoryMb() && wanted.cpus() == limits.cpus()
                && wanted.pids() == limits.pids();
    }

    @Override
    public boolean alive() {
        return !dead && !streamEnded.isDone();
    }

    @Override
    public SandboxOutcome run(Job job, OutputListener output) {
        if (session != null) {
            throw new IllegalStateException("sandbox " + name + " holds Session(id=" + session.id()
                    + ") and runs no job");
        }
        if (!alive()) {
            throw new TransientFailure("sandbox " + name + " of Job(id=" + job.id() + ") died before the job");
        }
        onJob.accept(job.id());
        log.debug("Job(id={}) runs in sandbox {}", job.id(), name);
        applyLimits(job);
        try (JobInputs inputs = JobInputs.stage(inputDirectory, job);
                GatewaySession session = gateway.open(job, gatewayDirectory)) {
            long floodLimit = properties.floodLimit().toBytes();
            JobRun run = new JobRun("Job(id=" + job.id() + ")", output, job.limits().outputBytes(),
                    floodLimit + FLOOD_SLACK);
            current = run;
            byte[] envelope = codec.write(RunnerEnvelope.of(job, session.bindings(), floodLimit));
            byte[] line = new byte[envelope.length + 1];
            System.arraycopy(envelope, 0, line, 0, envelope.length);
            line[envelope.length] = '\n';
            Instant startedAt = clock.instant();
            stdin.send(line);
            if (!reusable) {
                stdin.close();
            }
            // The runner kills the job at its limit; the sandbox is killed only if the runner does not answer.
            boolean killed = !run.awaitEnd(job.limits().timeoutMs() + properties.killGrace().toMillis());
            if (killed) {
                log.info("Job(id={}) passed its {} ms wall-clock limit and the runner did not end it; killing "
                        + "sandbox {}", job.id(), job.limits().timeoutMs(), name);
                kill();
                run.awaitEnd(properties.callTimeout().toMillis());
            }
            Instant finishedAt = clock.instant();
            ExitReport exit = run.exit;
            boolean timedOut = killed || exit != null && exit.timedOut();
            boolean flooded = run.flooded || exit != null && exit.flooded();
            Integer exitCode = exit != null ? Integer.valueOf(exit.code()) : null;
            boolean oomKilled = exit != null && Boolean.TRUE.equals(exit.oomKilled());
            boolean ourKill = timedOut || run.flooded;
            boolean signalled = exit != null && exit.code() > 128 && !ourKill;
            if (exit == null || signalled || exit.oomKilled() == null && exit.code() == 137) {
                // No exit frame (the container died, or its stream was lost), or a death by a signal: the engine
                // knows whether the kernel's out-of-memory killer struck, and whether the platform ended the run.
                var state = endState(job, ourKill);
                if (state != null && exit == null && !ourKill && Boolean.TRUE.equals(state.getRunning())) {
                    state = afterLostStream(job);
                }
                if (state != null && exit == null && !ourKill && !killedHere && killedFromOutside(state)) {
                    dead = true;
                    throw new TransientFailure("the platform interrupted Job(id=" + job.id() + ") in sandbox "
                            + name + ": its runner was killed from outside the sandbox (the engine stopping it)");
                }
                if (state != null && exit == null && !ourKill && endedCleanly(state)) {
                    // The runner exits 0 only once its input has ended, and it reports a job's end before that: its
                    // stream was lost, here before it read the job or while the job ran. Taken as the job's exit, a
                    // job that never ran (or whose output was lost) would end SUCCEEDED with no output.
                    dead = true;
                    throw new TransientFailure("the platform interrupted Job(id=" + job.id() + ") in sandbox "
                            + name + ": its stream from the engine was lost, and its runner ended without reporting");
                }
                if (state != null) {
                    if (exit == null || exit.oomKilled() == null) {
                        oomKilled = Boolean.TRUE.equals(state.getOOMKilled());
                    }
                    if (exitCode == null && state.getExitCodeLong() != null && !timedOut && !flooded) {
                        exitCode = state.getExitCodeLong().intValue();
                    }
                }
            }
            // An isolated job's end, however it came, left its sandbox as clean as before; otherwise the sandbox is
            // not trusted with another job after a kill.
            if (killed || run.flooded || exit == null || !isolated && (timedOut || flooded || oomKilled)) {
                dead = true;
            }
            return new SandboxOutcome(exitCode, run.stdout.result(), run.stderr.result(), timedOut, oomKilled,
                    flooded, startedAt, finishedAt, session.artifacts(), usage(exit, run, session));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            dead = true;
            throw new TransientFailure("interrupted while running Job(id=" + job.id() + ")", e);
        } finally {
            current = null;
            if (!reusable) {
                dead = true;
            }
        }
    }

    /**
     * Opens the session: the limits first (they hold for the session's life), then the open line, answered by one
     * {@code X} once the kernel is up. A sandbox whose kernel did not come up is not alive.
     */
    @Override
    public void openSession(SessionSpec spec) {
        if (session != null) {
            throw new IllegalStateException("sandbox " + name + " already holds Session(id=" + session.id() + ")");
        }
        String subject = "Session(id=" + spec.id() + ")";
        if (!alive()) {
            throw new TransientFailure("sandbox " + name + " died before " + subject + " opened");
        }
        applyLimits(spec.limits(), subject);
        long floodLimit = properties.floodLimit().toBytes();
        JobRun run = new JobRun(subject, OutputListener.NONE, OPEN_OUTPUT, floodLimit + FLOOD_SLACK);
        current = run;
        try {
            stdin.send(line(SessionEnvelope.of(spec, floodLimit)));
            boolean answered = run.awaitEnd(properties.callTimeout().toMillis());
            ExitReport exit = run.exit;
            if (!answered || exit == null || exit.code() != 0 || Boolean.FALSE.equals(exit.alive())) {
                dead = true;
                if (!answered) {
                    kill();
                }
                String why = !answered ? "the runner did not answer within " + properties.callTimeout()
                        : exit == null ? "the sandbox ended" : run.stderr.result().text().strip();
                throw new TransientFailure("could not open " + subject + " in sandbox " + name + ": " + why);
            }
            session = spec;
            log.debug("{} opened in sandbox {}", subject, name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            dead = true;
            throw new TransientFailure("interrupted while opening " + subject, e);
        } finally {
            current = null;
        }
    }

    /**
     * Sends one command and waits for its {@code X}. The runner interrupts an exec at its time limit and kills the
     * kernel after the grace; only when the runner itself does not answer by then (and the kill grace) is the
     * sandbox killed from here. Whatever ends the kernel ends the session: the outcome says {@code alive: false},
     * and this sandbox is not alive.
     */
    @Override
    public SessionOutcome runInSession(RunnerCommand command, OutputListener output) {
        SessionSpec spec = session;
        if (spec == null) {
            throw new IllegalStateException("sandbox " + name + " holds no session");
        }
        String subject = "Session(id=" + spec.id() + ")" + (command.id() == null ? "" : " run " + command.id());
        if (!alive()) {
            throw new TransientFailure("the sandbox " + name + " of " + subject + " is gone");
        }
        long floodLimit = properties.floodLimit().toBytes();
        JobRun run = new JobRun(subject, output, spec.limits().outputBytes(), floodLimit + FLOOD_SLACK);
        current = run;
        try {
            Instant startedAt = clock.instant();
            stdin.send(line(command));
            long wait = command.runsCode() && command.timeoutMs() != null
                    ? command.timeoutMs() + spec.interruptGrace().toMillis() + properties.killGrace().toMillis()
                    : properties.callTimeout().toMillis();
            boolean killed = !run.awaitEnd(wait);
            if (killed) {
                log.info("{} was not answered within {} ms; killing sandbox {}", subject, wait, name);
                kill();
                run.awaitEnd(properties.callTimeout().toMillis());
            }
            Instant finishedAt = clock.instant();
            ExitReport exit = killed ? null : run.exit;
            boolean alive = exit != null && !Boolean.FALSE.equals(exit.alive()) && !run.flooded
                    && !streamEnded.isDone();
            String reason = null;
            if (!alive) {
                dead = true;
                reason = killed ? "the runner did not answer in time; the sandbox was killed"
                        : run.flooded ? "the run flooded its output; the sandbox was killed"
                        : exit == null ? "the sandbox ended"
                        : exit.reason() != null ? exit.reason() : "the interpreter ended";
            }
            boolean oomKilled = exit != null && Boolean.TRUE.equals(exit.oomKilled());
            SandboxOutcome outcome = new SandboxOutcome(exit == null ? null : exit.code(), run.stdout.result(),
                    run.stderr.result(), killed || exit != null && exit.timedOut(), oomKilled,
                    run.flooded || exit != null && exit.flooded(), startedAt, finishedAt, List.of(),
                    sessionUsage(exit, run));
            return new SessionOutcome(outcome, exit != null && exit.interrupted(), alive, reason,
                    exit == null ? List.of() : exit.display(), exit == null ? null : exit.data(),
                    exit == null ? List.of() : exit.files());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            dead = true;
            throw new TransientFailure("interrupted while running " + subject, e);
        } finally {
            current = null;
        }
    }

    /** A SIGINT for the session's exec under way, by the runner's kernel; nothing when none runs. */
    @Override
    public void interrupt() {
        if (session != null && alive()) {
            stdin.send(INTERRUPT);
        }
    }

    private byte[] line(Object value) {
        byte[] json = codec.write(value);
        byte[] line = new byte[json.length + 1];
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\n';
        return line;
    }

    private static ResourceUsage sessionUsage(ExitReport exit, JobRun run) {
        long output = exit != null && exit.outputBytes() != null ? exit.outputBytes()
                : run.stdout.totalBytes() + run.stderr.totalBytes();
        return new ResourceUsage(exit == null ? null : exit.cpuMs(),
                exit == null ? null : (exit.maxRssKb() + 1023) / 1024, output, null, null);
    }

    /**
     * How the container ended, as the engine tells it. When the engine cannot tell, because it does not answer (a
     * dockerd restart ends every sandbox, and answers nothing meanwhile) or the container is gone (only the platform
     * removes one), the platform interrupted the run: a platform failure, retried within the job's attempts, never
     * the job's verdict. The job cannot cause either from inside its sandbox, and an interrupted run still uses one
     * of its attempts, so no job gets retries beyond its policy. Null only for a run the worker itself killed at the
     * job's wall-clock limit: that verdict stands without the engine.
     */
    private com.github.dockerjava.api.command.InspectContainerResponse.ContainerState endState(Job job,
            boolean killedAtItsLimit) {
        try {
            return control.inspectContainerCmd(containerId).exec().getState();
        } catch (RuntimeException e) {
            dead = true;
            if (killedAtItsLimit) {
                log.debug("Job(id={}) timed out; the engine could not say how sandbox {} ended: {}", job.id(), name,
                        e.toString());
                return null;
            }
            String why = e instanceof NotFoundException ? "its container is gone"
                    : "the Docker engine stopped answering";
            throw new TransientFailure("the platform interrupted Job(id=" + job.id() + ") in sandbox " + name + ": "
                    + why + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Whether the runner was SIGKILLed by something outside the sandbox. The runner is its container's PID 1, which
     * the kernel shields from every signal sent from inside its namespace, so nothing the job does can kill it so;
     * without an out-of-memory kill, and when this worker did not kill it, only the platform did: dockerd stopping
     * its containers (a restart without live-restore: SIGTERM, ignored by PID 1, then SIGKILL).
     */
    private static boolean killedFromOutside(
            com.github.dockerjava.api.command.InspectContainerResponse.ContainerState state) {
        return !Boolean.TRUE.equals(state.getRunning()) && !Boolean.TRUE.equals(state.getOOMKilled())
                && state.getExitCodeLong() != null && state.getExitCodeLong() == 128 + 9;
    }

    /** Whether the container ended by itself with status 0: its runner left, no kill and no out-of-memory kill. */
    private static boolean endedCleanly(
            com.github.dockerjava.api.command.InspectContainerResponse.ContainerState state) {
        return !Boolean.TRUE.equals(state.getRunning()) && !Boolean.TRUE.equals(state.getOOMKilled())
                && state.getExitCodeLong() != null && state.getExitCodeLong() == 0;
    }

    /**
     * The stream ended without the runner's exit report, yet the engine says the container runs: the stream was lost,
     * not the job ended (the engine restarted with live-restore, or its connection dropped). The container is given
     * a moment to end, should the engine not have recorded an exit yet; a container still running after it is killed
     * and the run is a platform interruption: its output and its end are unknown, so it is no verdict of the job's.
     */
    private com.github.dockerjava.api.command.InspectContainerResponse.ContainerState afterLostStream(Job job) {
        try (var wait = control.waitContainerCmd(containerId).start()) {
            wait.awaitStatusCode(properties.outputDrain().toMillis(), TimeUnit.MILLISECONDS);
            return endState(job, false);
        } catch (com.github.dockerjava.api.exception.DockerClientException | IOException stillRunning) {
            // awaitStatusCode's timeout: it does run on.
        } catch (RuntimeException e) {
            return endState(job, false);
        }
        kill();
        throw new TransientFailure("the platform interrupted Job(id=" + job.id() + ") in sandbox " + name
                + ": its stream from the engine was lost while the container ran on");
    }

    private static ResourceUsage usage(ExitReport exit, JobRun run, GatewaySession session) {
        GatewayUsage gateway = session.usage();
        long output = exit != null && exit.outputBytes() != null ? exit.outputBytes()
                : run.stdout.totalBytes() + run.stderr.totalBytes();
        return new ResourceUsage(exit == null ? null : exit.cpuMs(),
                exit == null ? null : (exit.maxRssKb() + 1023) / 1024, output, gateway.requests(), gateway.bytes());
    }

    /** Applies the job's limits when they differ from the sandbox's: CPU, memory and pids change in place. */
    private void applyLimits(Job job) {
        applyLimits(job.limits(), "Job(id=" + job.id() + ")");
    }

    private void applyLimits(Limits wanted, String subject) {
        if (sameLimits(wanted)) {
            return;
        }
        long memory = wanted.memoryMb() * 1024L * 1024L;
        call("update", subject, () -> control.updateContainerCmd(containerId)
                .withMemory(memory)
                .withMemorySwap(memory)
                .withNanoCPUs(Math.round(wanted.cpus() * 1_000_000_000L))
                .withPidsLimit(DockerSandboxFactory.pidsLimit(wanted, gvisor, isolating, properties))
                .exec());
        limits = wanted;
    }

    @Override
    public void kill() {
        killedHere = true;
        dead = true;
        try {
            control.killContainerCmd(containerId).exec();
        } catch (RuntimeException e) {
            // It may have exited on its own between the deadline and the kill.
            log.debug("kill of sandbox {} failed: {}", name, e.toString());
        }
    }

    @Override
    public void destroy() {
        synchronized (this) {
            if (destroyed) {
                return;
            }
            destroyed = true;
        }
        dead = true;
        stdin.close();
        try {
            control.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            log.debug("sandbox {} was already removed", name);
        } catch (RuntimeException e) {
            // The engine does not answer (a restart): the container may still run; it is removed once it answers.
            log.warn("could not remove sandbox container {}, will try again: {}", name, e.toString());
            unremoved.accept(containerId);
        }
        if (attachment != null) {
            try {
                attachment.close();
            } catch (IOException e) {
                log.debug("closing the attach stream of sandbox {} failed: {}", name, e.toString());
            }
        }
        deleteTree(inputDirectory);
        deleteTree(gatewayDirectory);
    }

    static void deleteTree(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            log.error("could not remove {}: {}", directory, e.toString());
        }
    }

    private <T> T call(String what, String subject, DockerCall<T> call) {
        try {
            return call.exec();
        } catch (RuntimeException e) {
            dead = true;
            throw new TransientFailure("Docker " + what + " failed for " + subject + " in sandbox " + name
                    + ": " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface DockerCall<T> {
        T exec();
    }

    private void flood(JobRun run) {
        log.info("{} flooded its output past {}; killing sandbox {}", run.subject, properties.floodLimit(), name);
        // Not on the stream's own thread: the engine finishes a kill only once the attached output is drained,
        // and this thread is the one draining it.
        Thread killer = new Thread(this::kill, "kiff-flood-kill-" + name);
        killer.setDaemon(true);
        killer.start();
    }

    /**
     * How the runner said a job or a session command ended, and what it used; the runner kills a job itself at its
     * limits. A session command's report also says whether it was interrupted, its display items, whether the
     * kernel lives on ({@code alive}: absent for a job) and why not, and a get's data or a list's files.
     */
    record ExitReport(int code, long maxRssKb, long cpuMs, Boolean oomKilled, boolean timedOut, boolean flooded,
            Long outputBytes, boolean interrupted, List<SandboxDisplay> display, Boolean alive, String reason,
            byte[] data, List<SessionFile> files) {

        static ExitReport parse(String json) {
            JsonNode node = JSON.readTree(json);
            JsonNode oom = node.path("oomKilled");
            JsonNode output = node.path("outputBytes");
            JsonNode alive = node.path("alive");
            JsonNode data = node.path("data");
            List<SandboxDisplay> display = new ArrayList<>();
            for (JsonNode item : node.path("display")) {
                JsonNode bytes = item.path("data");
                display.add(new SandboxDisplay(item.path("mimeType").asString(""),
                        item.path("text").isString() ? item.path("text").asString() : null,
                        bytes.isString() ? Base64.getDecoder().decode(bytes.asString()) : null));
            }
            List<SessionFile> files = new ArrayList<>();
            for (JsonNode file : node.path("files")) {
                files.add(new SessionFile(file.path("path").asString(""), file.path("size").asLong()));
            }
            return new ExitReport(node.path("exit").asInt(125), node.path("maxRssKb").asLong(),
                    node.path("cpuMs").asLong(), oom.isBoolean() ? oom.asBoolean() : null,
                    node.path("timedOut").asBoolean(false), node.path("flooded").asBoolean(false),
                    output.isNumber() ? output.asLong() : null, node.path("interrupted").asBoolean(false), display,
                    alive.isBoolean() ? alive.asBoolean() : null,
                    node.path("reason").isString() ? node.path("reason").asString() : null,
                    data.isString() ? Base64.getDecoder().decode(data.asString()) : null, files);
        }
    }

    /** What the runner said when it was ready: whether it gives every job namespaces of its own, and if not why. */
    private void ready(String json) {
        JsonNode node = JSON.readTree(json);
        isolated = "namespaces".equals(node.path("isolation").asString(""));
        if (isolating && !isolated) {
            // Serve one job, like a container-per-job sandbox: without namespaces a job could leave something behind.
            reusable = false;
            String reason = node.path("isolationError").asString("unknown");
            if (toldNoIsolation.compareAndSet(false, true)) {
                log.warn("sandboxes of {} cannot isolate jobs from each other here ({}); each serves one job",
                        type.wireName(), reason);
            } else {
                log.debug("sandbox {} cannot isolate jobs: {}", name, reason);
            }
        }
    }

    /** One job's output and end, fed by the frames. */
    private final class JobRun {
        /** What runs, for logs: {@code Job(id=...)} or {@code Session(id=...)}. */
        final String subject;
        final OutputListener listener;
        final OutputCapture stdout;
        final OutputCapture stderr;
        final long floodLimit;
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        volatile ExitReport exit;
        volatile boolean flooded;

        JobRun(String subject, OutputListener listener, int cap, long floodLimit) {
            this.subject = subject;
            this.listener = listener;
            this.stdout = new OutputCapture(cap);
            this.stderr = new OutputCapture(cap);
            this.floodLimit = floodLimit;
        }

        synchronized void append(boolean toStderr, byte[] chunk) {
            (toStderr ? stderr : stdout).append(chunk);
            if (!flooded) {
                listener.output(toStderr, chunk);
            }
            if (!flooded && Math.max(stdout.totalBytes(), stderr.totalBytes()) > floodLimit) {
                flooded = true;
                flood(this);
            }
        }

        /** True when the job ended within {@code millis} (its exit frame, or the container's end). */
        boolean awaitEnd(long millis) throws InterruptedException {
            try {
                CompletableFuture.anyOf(ended, streamEnded).get(millis, TimeUnit.MILLISECONDS);
                return true;
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                return true;
            }
        }
    }

    /** The attach stream: runner frames on stdout, the runner's own complaints on stderr. */
    final class Attachment extends ResultCallback.Adapter<Frame> {

        private final RunnerFrames frames = new RunnerFrames(new RunnerFrames.Listener() {
            @Override
            public void ready(String json) {
                log.debug("sandbox {} ready: {}", name, json);
                DockerSandbox.this.ready(json);
                ready.countDown();
            }

            @Override
            public void stdout(byte[] chunk) {
                JobRun run = current;
                if (run != null) {
                    run.append(false, chunk);
                }
            }

            @Override
            public void stderr(byte[] chunk) {
                JobRun run = current;
                if (run != null) {
                    run.append(true, chunk);
                }
            }

            @Override
            public void exit(String json) {
                JobRun run = current;
                if (run != null) {
                    run.exit = ExitReport.parse(json);
                    log.debug("{} exit report from sandbox {}: {}", run.subject, name, json);
                    run.ended.complete(null);
                }
            }

            @Override
            public void broken(String reason) {
                log.error("sandbox {} broke the runner protocol ({}); retiring it", name, reason);
                dead = true;
                kill();
            }
        });

        @Override
        public void onNext(Frame frame) {
            byte[] payload = frame.getPayload();
            if (payload == null) {
                return;
            }
            if (frame.getStreamType() == StreamType.STDERR) {
                // Only the runner (never the code) writes here: Python's own fatal errors, preload failures.
                JobRun run = current;
                if (run != null) {
                    run.append(true, payload);
                } else {
                    log.warn("sandbox {} runner: {}", name, new String(payload, StandardCharsets.UTF_8).strip());
                }
                return;
            }
            frames.feed(payload);
        }

        @Override
        public void onError(Throwable throwable) {
            log.debug("attach stream of sandbox {} failed: {}", name, throwable.toString());
            streamEnded.complete(null);
            super.onError(throwable);
        }

        @Override
        public void onComplete() {
            streamEnded.complete(null);
            super.onComplete();
        }
    }
}
