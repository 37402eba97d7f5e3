package dev.kiff.api;

import dev.kiff.core.gateway.Artifact;
import dev.kiff.core.gateway.ArtifactStore;
import dev.kiff.core.session.SessionStore;
import dev.kiff.core.topic.Topics;
import dev.kiff.model.job.DisplayItem;
import dev.kiff.model.job.JobMessage;
import dev.kiff.model.job.VmType;
import dev.kiff.model.json.JobCodec;
import dev.kiff.model.session.SessionOp;
import dev.kiff.model.session.SessionOpen;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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

/**
 * The worker's side of sessions in miniature, through the real {@link SessionStore} on the real broker: it reads the
 * code-exec open topic (from its end at creation) and, for sessions of its tenants, claims them and makes them READY;
 * it creates its own run topic, reads it, and runs each run on a {@link StandInWorker} (the worker's own
 * {@code JobExecutor}), moving the session IDLE when the stand-in sandbox ends, before the result is published. It
 * renews its lease on its sessions every poll until told to stop. Runs of sessions it is told to hold stay QUEUED
 * (the session BUSY). Every command it reads is kept.
 *
 * <p>Given an {@link ArtifactStore}, it plays a tiny interpreter instead of quiet runs, answering as the session
 * runner does: {@code x = 41} keeps {@code x}; {@code x + 1} (a name, optionally plus a number) displays its value as
 * {@code text/plain}; {@code plot()} displays {@link #PLOT} as {@code image/png}, the run's artifact
 * {@code display/1.png}. Files live in the session's workspace: a PUT keeps the bytes, a GET saves them as the run's
 * artifact named exactly the path, a LIST displays {@code application/json} {@code [{"path","size"}]}.
 */
final class StandInSessionWorker implements AutoCloseable {

    /** The bytes of every {@code plot()}: the 8-byte PNG signature and a little more. */
    static final byte[] PLOT = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    private static final Pattern ASSIGN = Pattern.compile("\\s*([A-Za-z_]\\w*)\\s*=\\s*(-?\\d+)\\s*");
    private static final Pattern EXPRESSION = Pattern.compile("\\s*([A-Za-z_]\\w*)\\s*(?:\\+\\s*(-?\\d+))?\\s*");

    private final SessionStore store;
    private final StandInWorker runner;
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
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final Thread thread;
    /** Where the interpreting stand-in keeps its runs' files; null: runs are quiet. */
    private final ArtifactStore artifacts;
    private final Map<UUID, Map<String, Long>> globals = new ConcurrentHashMap<>();
    private final Map<UUID, Map<String, byte[]>> workspaces = new ConcurrentHashMap<>();

    StandInSessionWorker(String bootstrapServers, SessionStore store, StandInWorker runner, JobCodec codec,
            Clock clock, Set<String> tenants) {
        this(bootstrapServers, store, runner, codec, clock, tenants, null);
    }

    /** @param artifacts where the runs' files go; given, the stand-in interprets runs (see the class comment) */
    StandInSessionWorker(String bootstrapServers, SessionStore store, StandInWorker runner, JobCodec codec,
            Clock clock, Set<String> tenants, ArtifactStore artifacts) {
        this.artifacts = artifacts;
        this.store = store;
        this.runner = runner;
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

    String workerId() {
        return workerId;
    }

    /** Runs of this session are taken but not run: it stays BUSY. */
    void hold(UUID session) {
        held.add(session);
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
                                clock.instant().minusSeconds(60))) {
                    store.ready(request.sessionId(), workerId, clock.instant());
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
                Runnable sandboxEnded = () -> store.runEnded(session, runId, true, null, clock.instant());
                if (artifacts == null) {
                    runner.runQuietly(runId, sandboxEnded);
                } else {
                    interpret(command, runId, sandboxEnded);
                }
            }
            if (renewing.get()) {
                store.renew(workerId, clock.instant());
            }
        }
    }

    private void interpret(JobMessage command, UUID runId, Runnable sandboxEnded) {
        UUID session = command.session().id();
        Map<String, byte[]> workspace = workspaces.computeIfAbsent(session, s -> new ConcurrentHashMap<>());
        Map<String, Long> names = globals.computeIfAbsent(session, s -> new ConcurrentHashMap<>());
        String path = command.session().path();
        List<DisplayItem> display = new ArrayList<>();
        List<Artifact> files = new ArrayList<>();
        String stderr = "";
        switch (command.session().op()) {
            case PUT -> workspace.put(path, Base64.getDecoder().decode(command.session().content()));
            case GET -> {
                byte[] content = workspace.get(path);
                if (content == null) {
                    stderr = "no such file: " + path + "\n";
                } else {
                    files.add(new Artifact(path, content));
                }
            }
            case LIST -> {
                String listing = workspace.entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .map(f -> "{\"path\":\"" + f.getKey() + "\",\"size\":" + f.getValue().length + "}")
                        .collect(Collectors.joining(",", "[", "]"));
                display.add(new DisplayItem("application/json", listing, null, listing.length()));
            }
            default -> {
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
            }
        }
        runner.endInSession(runId, session, sandboxEnded, stderr.isEmpty() ? 0 : 1, "", stderr, display, files,
                artifacts);
    }

    @Override
    public void close() throws InterruptedException {
        open.set(false);
        thread.join(10_000);
        opens.close();
        runs.close();
    }
}
