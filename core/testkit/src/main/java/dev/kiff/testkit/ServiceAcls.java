package dev.kiff.testkit;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The least a Kiff service needs of the brokers, as ACLs of its SCRAM user: what the ACL table of docs/kafka.md lists, and
 * what the embedded broker in SCRAM mode ({@link EmbeddedKafkaServer#startWithScram}) is given. The topic and group
 * names are the contract's ({@code dev.kiff.core.topic.Topics}); this module stays free of it so {@code ./kiff}
 * can run it alone. Reading a topic implies describing it, and a group's READ its DESCRIBE.
 */
public final class ServiceAcls {

    /** The job topics, one per VM type, as {@code Topics.jobTopics()}. Literal: the dead-letter topic shares the prefix. */
    public static final List<String> JOB_TOPICS = List.of(
            "kiff.jobs.code-exec", "kiff.jobs.ml-agent", "kiff.jobs.api-composition", "kiff.jobs.data-processing");

    private ServiceAcls() {
    }

    /**
     * The API: produces jobs (in transactions for batches), cancellations, batch events, the results of jobs it
     * ends itself and dead letters of results it cannot follow up; consumes results, logs and batch events in groups of its own; creates the Kiff topics at start.
     */
    public static List<AclBinding> api(String user) {
        List<AclBinding> acls = new ArrayList<>();
        for (String topic : JOB_TOPICS) {
            acls.add(allow(user, topic(topic), AclOperation.WRITE));
        }
        acls.add(allow(user, topic("kiff.control.cancellations"), AclOperation.WRITE));
        acls.add(allow(user, topic("kiff.batches"), AclOperation.WRITE));
        acls.add(allow(user, topic("kiff.batches"), AclOperation.READ));
        acls.add(allow(user, topic("kiff.results"), AclOperation.WRITE));
        acls.add(allow(user, topic("kiff.results"), AclOperation.READ));
        acls.add(allow(user, topic("kiff.logs"), AclOperation.READ));
        // A result that can never be followed up (webhook, batch) is dead-lettered.
        acls.add(allow(user, topic("kiff.jobs.dlq"), AclOperation.WRITE));
        // Sessions: opens to the workers, runs to the holding worker's own topic, moves announced and tailed.
        acls.add(allow(user, prefixed(ResourceType.TOPIC, "kiff.session-opens."), AclOperation.WRITE));
        acls.add(allow(user, prefixed(ResourceType.TOPIC, "kiff.session-runs."), AclOperation.WRITE));
        acls.add(allow(user, topic("kiff.session-events"), AclOperation.WRITE));
        acls.add(allow(user, topic("kiff.session-events"), AclOperation.READ));
        // Each instance's own groups (results, logs, batches) are named kiff-api-*; the followers' group is shared.
        acls.add(allow(user, prefixed(ResourceType.GROUP, "kiff-api-"), AclOperation.READ));
        acls.add(allow(user, literal(ResourceType.GROUP, "kiff-result-followers"), AclOperation.READ));
        // Batch transactions: each instance's transactional ids start kiff-api-.
        acls.add(allow(user, prefixed(ResourceType.TRANSACTIONAL_ID, "kiff-api-"), AclOperation.WRITE));
        acls.add(allow(user, prefixed(ResourceType.TRANSACTIONAL_ID, "kiff-api-"), AclOperation.DESCRIBE));
        acls.addAll(topicBootstrap(user, true));
        return acls;
    }

    /**
     * A worker: consumes the job and session-open topics in group {@code kiff-workers}; produces results, logs, dead
     * letters, session moves and its state; creates and reads its session-run topic, reads the cancellations, its
     * pool targets and every worker's state (no group).
     */
    public static List<AclBinding> worker(String user) {
        List<AclBinding> acls = new ArrayList<>();
        for (String topic : JOB_TOPICS) {
            acls.add(allow(user, topic(topic), AclOperation.READ));
        }
        acls.add(allow(user, literal(ResourceType.GROUP, "kiff-workers"), AclOperation.READ));
        for (String topic : List.of("kiff.results", "kiff.logs", "kiff.jobs.dlq", "kiff.control.workers")) {
            acls.add(allow(user, topic(topic), AclOperation.WRITE));
        }
        acls.add(allow(user, topic("kiff.control.cancellations"), AclOperation.READ));
        acls.add(allow(user, topic("kiff.control.targets"), AclOperation.READ));
        // Every worker's state: the orphan sweep removes the sandboxes of workers that stopped reporting.
        acls.add(allow(user, topic("kiff.control.workers"), AclOperation.READ));
        // Sessions: opens in the job group, its own run topic (created at start; prefixed here because the user
        // serves every worker of the development broker: a deployment grants each worker its own topic's name),
        // its sessions' moves announced.
        acls.add(allow(user, prefixed(ResourceType.TOPIC, "kiff.session-opens."), AclOperation.READ));
        acls.add(allow(user, prefixed(ResourceType.TOPIC, "kiff.session-runs."), AclOperation.CREATE));
        acls.add(allow(user, prefixed(ResourceType.TOPIC, "kiff.session-runs."), AclOperation.READ));
        acls.add(allow(user, topic("kiff.session-events"), AclOperation.WRITE));
        acls.addAll(topicBootstrap(user, false));
        return acls;
    }

    /**
     * A scheduler: reads the workers' lag (describes the job topics and group {@code kiff-workers}), follows the
     * workers' states, produces pool targets, and joins group {@code kiff-schedulers} on the leader topic.
     */
    public static List<AclBinding> scheduler(String user) {
        List<AclBinding> acls = new ArrayList<>();
        // The job topics' end offsets need only DESCRIBE, which the topic check below grants on every kiff.* topic.
        acls.add(allow(user, literal(ResourceType.GROUP, "kiff-workers"), AclOperation.DESCRIBE));
        acls.add(allow(user, topic("kiff.control.workers"), AclOperation.READ));
        acls.add(allow(user, topic("kiff.control.targets"), AclOperation.WRITE));
        acls.add(allow(user, topic("kiff.control.leader"), AclOperation.READ));
        acls.add(allow(user, literal(ResourceType.GROUP, "kiff-schedulers"), AclOperation.READ));
        acls.addAll(topicBootstrap(user, false));
        return acls;
    }

    /** A tenant's own pipeline that publishes jobs straight to Kafka: produce to the given job topics, nothing else. */
    public static List<AclBinding> tenantProducer(String user, List<String> jobTopics) {
        return jobTopics.stream().map(topic -> allow(user, topic(topic), AclOperation.WRITE)).toList();
    }

    /**
     * A person at {@code ./kiff kafka} on the development broker: reads and writes every Kiff topic, in console
     * consumer groups. Never for a deployment: it may forge anything.
     */
    public static List<AclBinding> operator(String user) {
        return List.of(
                allow(user, prefixed(ResourceType.TOPIC, "kiff."), AclOperation.ALL),
                allow(user, prefixed(ResourceType.GROUP, "console-consumer-"), AclOperation.READ));
    }

    /**
     * Every app declares the Kiff topics at start and checks that they exist (DESCRIBE); the API also creates the
     * missing ones (CREATE), unless an operator made them beforehand.
     */
    private static List<AclBinding> topicBootstrap(String user, boolean create) {
        List<AclBinding> acls = new ArrayList<>();
        acls.add(allow(user, prefixed(ResourceType.TOPIC, "kiff."), AclOperation.DESCRIBE));
        if (create) {
            acls.add(allow(user, prefixed(ResourceType.TOPIC, "kiff."), AclOperation.CREATE));
        }
        return acls;
    }

    private static ResourcePattern topic(String name) {
        return literal(ResourceType.TOPIC, name);
    }

    private static ResourcePattern literal(ResourceType type, String name) {
        return new ResourcePattern(type, name, PatternType.LITERAL);
    }

    private static ResourcePattern prefixed(ResourceType type, String prefix) {
        return new ResourcePattern(type, prefix, PatternType.PREFIXED);
    }

    private static AclBinding allow(String user, ResourcePattern resource, AclOperation operation) {
        return new AclBinding(resource, new AccessControlEntry("User:" + user, "*", operation,
                AclPermissionType.ALLOW));
    }
}
