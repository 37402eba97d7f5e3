package dev.kiff.worker.kafka;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Reads this worker's session run topic ({@code kiff.session-runs.<worker>}, one partition) and hands each command to
 * the {@link SessionRecordListener}, which queues it on its session's lane: the poll never waits for a run. The topic
 * is assigned, not subscribed (no group, no rebalance, no commits) and read from its end as it is at start: a worker
 * (re)started holds no session, since the start sweep ended those of its earlier run LOST, so older commands are moot.
 */
public final class KafkaSessionFeed implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(KafkaSessionFeed.class);

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final String topic;
    private final SessionRecordListener listener;
    private final Duration pollTimeout;
    private volatile boolean running;
    private volatile Consumer<String, byte[]> consumer;
    private Thread loop;

    public KafkaSessionFeed(Supplier<Consumer<String, byte[]>> consumers, String topic,
            SessionRecordListener listener, Duration pollTimeout) {
        this.consumers = consumers;
        this.topic = topic;
        this.listener = listener;
        this.pollTimeout = pollTimeout;
    }

    @Override
    public void start() {
        Consumer<String, byte[]> c = consumers.get();
        TopicPartition partition = new TopicPartition(topic, 0);
        c.assign(List.of(partition));
        c.seekToEnd(List.of(partition));
        // Resolved now, before any open is taken: a command sent for a session opened from here on is read.
        long start = c.position(partition, Duration.ofSeconds(30));
        log.info("session feed reads {} from offset {}", topic, start);
        consumer = c;
        running = true;
        loop = new Thread(this::run, "kiff-session-feed");
        loop.setDaemon(true);
        loop.start();
    }

    private void run() {
        Consumer<String, byte[]> c = consumer;
        try {
            while (running) {
                try {
                    for (ConsumerRecord<String, byte[]> record : c.poll(pollTimeout)) {
                        try {
                            listener.command(record);
                        } catch (RuntimeException e) {
                            log.error("session record {}@{} could not be handled: {}", record.topic(),
                                    record.offset(), e.toString(), e);
                        }
                    }
                } catch (WakeupException e) {
                    // stopping
                } catch (RuntimeException e) {
                    log.error("session feed poll failed, going on: {}", e.toString());
                }
            }
        } finally {
            try {
                c.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                log.debug("closing the session consumer failed: {}", e.toString());
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        Consumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (loop != null) {
            try {
                loop.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts after the session sweep and before the job feed takes opens; stops before the sessions end. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 120;
    }
}
