package dev.kiff.core.topic;

import dev.kiff.model.job.VmType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** The Kafka topics of the job contract. Job topics are keyed by job id. */
public final class Topics {

    /** Terminal results, keyed by job id, value a {@link dev.kiff.model.job.JobResult} in JSON. */
    public static final String RESULTS = "kiff.results";

    /**
     * Job records that could not be parsed or validated, as they arrived, with the reason in the
     * {@link #REASON_HEADER} header.
     */
    public static final String DEAD_LETTERS = "kiff.jobs.dlq";

    /**
     * Jobs' output while they run ({@link dev.kiff.model.output.LogChunk}, keyed by job id): what live watchers
     * subscribe to. Kept a day; the job's kept log is in the database.
     */
    public static final String LOGS = "kiff.logs";

    /** Batches that completed ({@link dev.kiff.model.batch.BatchProgress}, keyed by batch id). */
    public static final String BATCH_EVENTS = "kiff.batches";

    /** The header of a dead-lettered job's record listing its attempts (a JSON array). */
    public static final String ATTEMPTS_HEADER = "kiff-attempts";

    /** The group that follows results up (webhooks, batch completion): each result is followed once. */
    public static final String FOLLOWER_GROUP = "kiff-result-followers";

    /** Header on a dead-letter record: why the job was refused. */
    public static final String REASON_HEADER = "kiff-reason";

    /** The consumer group of the workers, whose lag is the job queue. */
    public static final String WORKER_GROUP = "kiff-workers";

    /**
     * Compacted: each worker's latest {@link dev.kiff.model.control.WorkerState}, keyed by worker id; a tombstone
     * when the worker leaves.
     */
    public static final String WORKER_STATES = "kiff.control.workers";

    /** Compacted: the pool targets the scheduler set for each worker, a {@link dev.kiff.model.control.PoolTargets}
     * keyed by worker id. */
    public static final String POOL_TARGETS = "kiff.control.targets";

    /**
     * One partition, no records: the schedulers join {@link #SCHEDULER_GROUP} on it, and the one that holds its
     * partition is the leader. When it dies, the group hands the partition to a standby.
     */
    public static final String SCHEDULER_LEADER = "kiff.control.leader";

    /**
     * Kill requests for cancelled running jobs, keyed by job id (value: the job id). Every worker hears every
     * request from the moment it starts; the one running the job kills its sandbox.
     */
    public static final String CANCELLATIONS = "kiff.control.cancellations";

    /** The schedulers' consumer group on {@link #SCHEDULER_LEADER}. */
    public static final String SCHEDULER_GROUP = "kiff-schedulers";

    /**
     * Every session's moves ({@link dev.kiff.model.session.SessionEvent}, keyed by session id, platform-signed),
     * written by whoever won the move, the API or the worker; every API instance tails it.
     */
    public static final String SESSION_EVENTS = "kiff.session-events";

    /** The prefix of the session open topics, one per VM type (ACLs are granted on it). */
    public static final String SESSION_OPENS_PREFIX = "kiff.session-opens.";

    /**
     * The prefix of the workers' session run topics, one per worker with one partition, created by the worker: runs,
     * file operations and closes of the sessions it holds, keyed by session id (ACLs are granted on it).
     */
    public static final String SESSION_RUNS_PREFIX = "kiff.session-runs.";

    /** Kafka's longest topic name. */
    private static final int MAX_TOPIC_LENGTH = 249;

    /** How much of a worker id a run topic keeps before the hash that tells long ids apart. */
    private static final int WORKER_PART_LENGTH = 200;

    private Topics() {
    }

    /**
     * Where the API asks a worker holding an idle sandbox of {@code type} to open a session
     * ({@link dev.kiff.model.session.SessionOpen}, keyed by session id); read by the workers' group as job topics are.
     */
    public static String sessionOpens(VmType type) {
        return SESSION_OPENS_PREFIX + type.wireName();
    }

    public static List<String> sessionOpenTopics() {
        List<String> topics = new ArrayList<>();
        for (VmType type : VmType.values()) {
            topics.add(sessionOpens(type));
        }
        return topics;
    }

    /**
     * The session run topic of one worker. A worker id that is a legal topic suffix of at most
     * {@value #WORKER_PART_LENGTH} characters is used as it is. Any other (the default {@code pid@host} has
     * {@code @}) has those characters turned into {@code _}, is cut at {@value #WORKER_PART_LENGTH} characters, and
     * gets the first 12 hex digits of its SHA-256, so two ids that map to the same characters still get topics of
     * their own. The worker computes it and stores it as {@code sessions.run_topic} when it claims a session; the API
     * reads it there, never recomputes it, so a change of this mapping never strands a session.
     */
    public static String sessionRuns(String workerId) {
        if (workerId == null || workerId.isEmpty()) {
            throw new IllegalArgumentException("a session run topic needs a worker id");
        }
        String safe = workerId.replaceAll("[^A-Za-z0-9._-]", "_");
        if (!safe.equals(workerId) || safe.length() > WORKER_PART_LENGTH) {
            safe = safe.substring(0, Math.min(safe.length(), WORKER_PART_LENGTH)) + "-" + sha256Prefix(workerId);
        }
        String topic = SESSION_RUNS_PREFIX + safe;
        if (topic.length() > MAX_TOPIC_LENGTH) {
            throw new IllegalStateException("session run topic longer than " + MAX_TOPIC_LENGTH + ": " + topic);
        }
        return topic;
    }

    private static String sha256Prefix(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    public static String jobs(VmType type) {
        return "kiff.jobs." + type.wireName();
    }

    public static List<String> jobTopics() {
        List<String> topics = new ArrayList<>();
        for (VmType type : VmType.values()) {
            topics.add(jobs(type));
        }
        return topics;
    }

    /** The VM type a job topic or a session open topic carries, or null for any other topic. */
    public static VmType vmTypeOf(String topic) {
        for (VmType type : VmType.values()) {
            if (jobs(type).equals(topic) || sessionOpens(type).equals(topic)) {
                return type;
            }
        }
        return null;
    }
}
