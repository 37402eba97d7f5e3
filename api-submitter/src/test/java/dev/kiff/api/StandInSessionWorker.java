package dev.kiff.api;

import dev.kiff.core.gateway.Artifact;
import dev.kiff.core.gateway.ArtifactStore;
import dev.kiff.core.port.JobRecord;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.port.ResultPublisher;
import dev.kiff.core.session.SessionEventPublisher;
import dev.kiff.core.session.SessionStore;
import dev.kiff.core.topic.Topics;
import dev.kiff.model.job.ArtifactInfo;
import dev.kiff.model.job.Attempt;
import dev.kiff.model.job.DisplayItem;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobMessage;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.ResourceUsage;
import dev.kiff.model.job.Timings;
import dev.kiff.model.job.VmType;
import dev.kiff.model.json.JobCodec;
import dev.kiff.model.session.SessionEvent;
import dev.kiff.model.session.SessionOp;
import dev.kiff.model.session.SessionOpen;
import dev.kiff.model.session.SessionState;
import dev.kiff.spring.KafkaResultPublisher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.kafka.core.KafkaTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The worker's side of sessions in miniature, through the real {@link SessionStore} on the real broker: it reads the
 * code-exec open topic (from its end at creation) and, for sessions of its tenants, claims them and makes them READY;
 * it creates its own run topic, reads it, and runs each run on a {@link StandInWorker} (the worker's own
 * {@code JobExecutor}), moving the session IDLE when the stand-in sandbox ends, before the result is published. Every
 * move it makes is announced on {@code kiff.session-events} (platform-signed), as the worker's are. It renews its
 * lease on its sessions every poll until told to stop. Runs of sessions it is told to hold stay QUEUED (the session
 * BUSY) until the test drives them ({@link #start}, {@link #finish}); a cancellation of such a run ends it as the
 * worker's interrupt does, the session kept. Every command it reads is kept.
 *
 * <p>File operations are answered as the worker's kernel answers them, from a map of the session's files: PUT stores
 * the bytes, GET saves them as the run's artifact named exactly the path (exit 1 when there is no such file), LIST
 * answers an {@code application/json} display item {@code [{"path","size"}]}.
 *
 * <p>{@link #interpreting()} makes it play a tiny interpreter instead of quiet runs, answering as the session runner
 * does: {@code x = 41} keeps {@code x}; {@code x + 1} (a name, optionally plus a number) displays its value as
 * {@code text/plain}; {@code plot()} displays {@link #PLOT} as {@code image/png}, the run's artifact
 * {@code display/1.png}.
 */
final class StandInSessionWorker implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The bytes of every {@code plot()}: the 8-byte PNG signature and a little more. */
    static final byte[] PLOT = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    private static final Pattern ASSIGN = Pattern.compile("\\s*([A-Za-z_]\\w*)\\s*=\\s*(-?\\d+)\\s*");
    private static final Pattern EXPRESSION = Pattern.compile("\\s*([A-Za-z_]\\w*)\\s*(?:\\+\\s*(-?\\d+))?\\s*");

    private final SessionStore store;
    private final StandInWorker runner;
    private final JobRepository jobs;
    private final ArtifactStore artifacts;
    private final SessionEventPublisher events;
    private final ResultPublisher results;
    private final KafkaConsumer<String, byte[]> cancellations;
    private final Map<UUID, Map<String, byte[]>> files = new ConcurrentHashMap<>();
    private final Map<UUID, StandInWorker.Run> started = new ConcurrentHashMap<>();
    private final JobCodec codec;
    private final Clock clock;
    private final Set<String> tenants;
    private final String workerId = "stand-in-session-" + UUID.randomUUID().toString().substring(0, 8);
    private final String runTopic = Topics.sessionRuns(workerId);
    private final KafkaConsumer<String, byte[]> opens;
    private final KafkaConsumer<String, byte[]> runs;
    private final Set<UUID> held = ConcurrentHashMap.newKeySet();
    private final List<JobMessage> commands = new CopyOnWriteArrayList<>();
    private final AtomicBoolean renewing = new AtomicBoolean(true);
    private final Map<UUID, Map<String, Long>> globals = new ConcurrentHashMap<>();
    private volatile boolean interprets;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final Thread thread;

    /** What the stand-in needs of the API's context under test. */
    record Kit(String bootstrapServers, SessionStore store, StandInWorker runner, JobRepository jobs,
            ArtifactStore artifacts, SessionEventPublisher events, KafkaTemplate<String, byte[]> kafka, JobCodec codec,
            Clock clock) {
    }

    StandInSessionWorker(Kit kit, Set<String> tenants) {
        this(kit.bootstrapServers(), kit.store(), kit.runner(), kit.jobs(), kit.artifacts(), kit.events(),
                new KafkaResultPublisher(kit.kafka(), kit.codec(), Duration.ofSeconds(10)), kit.codec(), kit.clock(),
                tenants);
    }

    private StandInSessionWorker(String bootstrapServers, SessionStore store, StandInWorker runner,
            JobRepository jobs, ArtifactStore artifacts, SessionEventPublisher events, ResultPublisher results,
            JobCodec codec, Clock clock, Set<String> tenants) {
        this.store = store;
        this.runner = runner;
        this.jobs = jobs;
        this.artifacts = artifacts;
        this.events = events;
        this.results = results;
        this.codec = codec;
        this.clock = clock;
        this.tenants = tenants;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(runTopic, 1, (short) 1))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("run topic " + runTopic + " not created", e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        this.opens = consumer(bootstrapServers, Topics.sessionOpens(VmType.CODE_EXEC));
        this.runs = consumer(bootstrapServers, runTopic);
        this.cancellations = consumer(bootstrapServers, Topics.CANCELLATIONS);
        this.thread = new Thread(this::run, "stand-in-session-worker");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrapServers, String topic) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()));
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // Resolved now: the stand-in starts at the topics' ends as they are before the test publishes.
        partitions.forEach(consumer::position);
        return consumer;
    }

    /** Runs are interpreted (see the class comment) rather than ended quietly. */
    StandInSessionWorker interpreting() {
        interprets = true;
        return this;
    }

    String workerId() {
        return workerId;
    }

    /** Runs of this session are taken but not run: it stays BUSY. */
    void hold(UUID session) {
        held.add(session);
    }

    /** Runs of this session are run again as they come. */
    void release(UUID session) {
        held.remove(session);
    }

    /** A run of a held session starts in the stand-in sandbox (RUNNING); the test writes its output. */
    StandInWorker.Run start(UUID runId) {
        StandInWorker.Run run = runner.start(runId);
        started.put(runId, run);
        return run;
    }

    /**
     * A started run ends with {@code exitCode} as the worker ends one: the session IDLE first (announced), then the
     * run's result stored and published (unless the run was cancelled meanwhile: its CANCELLED stands).
     */
    JobResult finish(UUID session, UUID runId, int exitCode) {
        StandInWorker.Run run = started.remove(runId);
        if (run == null) {
            return null;
        }
        String tenant = jobs.find(runId).map(JobRecord::job).map(Job::tenant).orElseThrow();
        ended(session, tenant, runId);
        return run.exit(exitCode);
    }

    /** The worker stops renewing its lease, as a worker that died or lost the database. */
    void stopRenewing() {
        renewing.set(false);
    }

    /** The commands this worker read for the session, in order. */
    List<JobMessage> commands(UUID session) {
        return commands.stream().filter(c -> c.session().id().equals(session)).toList();
    }

    private void run() {
        while (open.get()) {
            for (ConsumerRecord<String, byte[]> record : opens.poll(Duration.ofMillis(50))) {
                SessionOpen request = codec.readSessionOpen(record.value());
                if (tenants.contains(request.tenant())
                        && store.claim(request.sessionId(), workerId, runTopic, clock.instant(),
                                clock.instant().minusSeconds(60))
                        && store.ready(request.sessionId(), workerId, clock.instant())) {
                    announce(request.sessionId(), request.tenant(), SessionState.READY, null);
                }
            }
            for (ConsumerRecord<String, byte[]> record : cancellations.poll(Duration.ofMillis(10))) {
                // The worker interrupts the run: it ends (exit 130), the interpreter and the session kept.
                UUID runId = record.key() == null ? null : UUID.fromString(record.key());
                if (runId != null && started.containsKey(runId)) {
                    jobs.find(runId).map(JobRecord::state).map(JobResult::sessionId).ifPresent(session ->
                            finish(session, runId, 130));
                }
            }
            for (ConsumerRecord<String, byte[]> record : runs.poll(Duration.ofMillis(50))) {
                JobMessage command = codec.readMessage(record.value());
                commands.add(command);
                UUID session = command.session().id();
                if (command.session().op() == SessionOp.CLOSE || held.contains(session)) {
                    continue;
                }
                UUID runId = UUID.fromString(command.id());
                if (command.session().op() == SessionOp.RUN && interprets) {
                    interpret(command, runId);
                } else if (command.session().op() == SessionOp.RUN) {
                    runner.runQuietly(runId, () -> ended(session, command.tenant(), runId));
                } else {
                    fileOperation(command, runId);
                }
            }
            if (renewing.get()) {
                store.renew(workerId, clock.instant());
            }
        }
    }

    private void interpret(JobMessage command, UUID runId) {
        UUID session = command.session().id();
        Map<String, Long> names = globals.computeIfAbsent(session, s -> new ConcurrentHashMap<>());
        List<DisplayItem> display = new ArrayList<>();
        List<Artifact> files = new ArrayList<>();
        Matcher assign = ASSIGN.matcher(command.code());
        Matcher expression = EXPRESSION.matcher(command.code());
        if (command.code().equals("plot()")) {
            files.add(new Artifact("display/1.png", PLOT));
            display.add(new DisplayItem("image/png", null, "display/1.png", PLOT.length));
        } else if (assign.matches()) {
            names.put(assign.group(1), Long.parseLong(assign.group(2)));
        } else if (expression.matches() && names.containsKey(expression.group(1))) {
            String value = String.valueOf(names.get(expression.group(1))
                    + (expression.group(2) == null ? 0 : Long.parseLong(expression.group(2))));
            display.add(new DisplayItem("text/plain", value, null, value.length()));
        }
        runner.endInSession(runId, session, () -> ended(session, command.tenant(), runId), 0, "", "", display, files,
                artifacts);
    }

    private void ended(UUID session, String tenant, UUID runId) {
        if (store.runEnded(session, runId, true, null, clock.instant())) {
            announce(session, tenant, SessionState.IDLE, runId);
        }
    }

    private void announce(UUID session, String tenant, SessionState state, UUID runId) {
        events.publish(new SessionEvent(SessionEvent.VERSION, session, tenant, state, null, clock.instant(), workerId,
                runId));
    }

    /** PUT, GET or LIST, answered from the session's files as the kernel answers them. */
    private void fileOperation(JobMessage command, UUID runId) {
        UUID session = command.session().id();
        Instant startedAt = clock.instant();
        if (jobs.markRunning(runId, workerId, startedAt).isEmpty()) {
            return; // not QUEUED: never run twice
        }
        Map<String, byte[]> mine = files.computeIfAbsent(session, id -> new TreeMap<>());
        String path = command.session().path();
        int exit = 0;
        String stderr = "";
        List<ArtifactInfo> saved = List.of();
        List<DisplayItem> display = List.of();
        switch (command.session().op()) {
            case PUT -> mine.put(path, Base64.getDecoder().decode(command.session().content()));
            case GET -> {
                byte[] content = mine.get(path);
                if (content == null) {
                    exit = 1;
                    stderr = "kiff-runner: no such file: " + path + "\n";
                } else {
                    artifacts.save(runId, List.of(new Artifact(path, content)));
                    saved = List.of(new ArtifactInfo(path, content.length));
                }
            }
            case LIST -> {
                List<Map<String, Object>> listing = new ArrayList<>();
                mine.forEach((name, content) -> listing.add(Map.of("path", name, "size", content.length)));
                String text = JSON.writeValueAsString(listing);
                display = List.of(new DisplayItem("application/json", text, null, text.length()));
            }
            default -> throw new IllegalStateException("not a file operation: " + command.session().op());
        }
        ended(session, command.tenant(), runId);
        Instant finishedAt = clock.instant();
        JobStatus status = exit == 0 ? JobStatus.SUCCEEDED : JobStatus.FAILED;
        JobResult result = new JobResult(JobResult.VERSION, runId, command.tenant(), command.vmType(), status, exit,
                "", false, stderr, false, exit == 0 ? null : "exit code " + exit, workerId, 1,
                Timings.of(jobs.find(runId).map(JobRecord::job).map(Job::submittedAt).orElseThrow(), startedAt,
                        finishedAt), ResourceUsage.UNKNOWN, saved, null, List.of(), false)
                .inSession(session, display);
        if (jobs.complete(result)) {
            results.publish(result.with(null, List.of(new Attempt(1, workerId, startedAt, finishedAt, status,
                    result.message())), false));
        }
    }

    @Override
    public void close() throws InterruptedException {
        open.set(false);
        thread.join(10_000);
        opens.close();
        runs.close();
        cancellations.close();
    }
}
