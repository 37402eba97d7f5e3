package dev.kiff.scheduler;

import dev.kiff.core.scale.Leadership;
import dev.kiff.core.topic.Topics;
import dev.kiff.spring.KafkaConnection;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Leader election through Kafka's group protocol: every scheduler joins {@link Topics#SCHEDULER_GROUP} on the
 * one-partition {@link Topics#SCHEDULER_LEADER} topic, and the member the group coordinator assigns that partition
 * to leads. When the leader stops, it leaves the group and a standby takes over at the next rebalance; when it dies,
 * the coordinator notices after the session timeout.
 *
 * <p>The leader also stops leading on its own when it has not completed a poll for longer than the session timeout
 * (a long pause could mean the group already moved on), so two leaders overlap for at most a tick.
 */
public final class KafkaLeadership implements Leadership, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(KafkaLeadership.class);

    private final KafkaConnection connection;
    private final String instanceId;
    private final Duration sessionTimeout;
    private volatile boolean leading;
    private volatile long lastPollNanos;
    private volatile boolean running;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread loop;

    public KafkaLeadership(KafkaConnection connection, String instanceId, Duration sessionTimeout) {
        this.connection = connection;
        this.instanceId = instanceId;
        this.sessionTimeout = sessionTimeout;
    }

    @Override
    public boolean leading() {
        return leading && System.nanoTime() - lastPollNanos < sessionTimeout.toNanos();
    }

    @Override
    public String instanceId() {
        return instanceId;
    }

    @Override
    public void start() {
        running = true;
        loop = new Thread(this::run, "kiff-leadership");
        loop.setDaemon(true);
        loop.start();
    }

    @Override
    public void stop() {
        running = false;
        leading = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            loop.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        long session = sessionTimeout.toMillis();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(connection.with(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, Topics.SCHEDULER_GROUP,
                ConsumerConfig.CLIENT_ID_CONFIG, "kiff-scheduler-" + instanceId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) session,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(500, session / 3))),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer = c;
            c.subscribe(List.of(Topics.SCHEDULER_LEADER), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    lose("partition revoked");
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    lose("partition lost");
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty() && !leading) {
                        leading = true;
                        log.info("Scheduler({}) became the leader", instanceId);
                    }
                }
            });
            while (running) {
                try {
                    c.poll(Duration.ofMillis(500));
                    lastPollNanos = System.nanoTime();
                } catch (WakeupException e) {
                    // stopping
                } catch (RuntimeException e) {
                    log.error("Scheduler({}) leadership poll failed, going on: {}", instanceId, e.toString());
                }
            }
        } finally {
            lose("stopping");
        }
    }

    private void lose(String why) {
        if (leading) {
            log.info("Scheduler({}) is no longer the leader: {}", instanceId, why);
        }
        leading = false;
    }
}
