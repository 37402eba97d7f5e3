package dev.kiff.core.topic;

import dev.kiff.model.job.VmType;
import java.util.ArrayList;
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

    private Topics() {
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

    /** The VM type a job topic carries, or null for any other topic. */
    public static VmType vmTypeOf(String topic) {
        for (VmType type : VmType.values()) {
            if (jobs(type).equals(topic)) {
                return type;
            }
        }
        return null;
    }
}
