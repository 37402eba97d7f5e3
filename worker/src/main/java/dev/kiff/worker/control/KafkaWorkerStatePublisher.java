package dev.kiff.worker.control;

import dev.kiff.model.control.WorkerState;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.pool.WarmPool;
import dev.kiff.core.topic.Topics;
import dev.kiff.spring.BackgroundLoops;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Tells the scheduler what this worker holds: every few seconds its pools' state goes to the compacted
 * {@link Topics#WORKER_STATES} topic under its id; on shutdown a tombstone says it left.
 */
public final class KafkaWorkerStatePublisher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(KafkaWorkerStatePublisher.class);

    private final KafkaTemplate<String, byte[]> kafka;
    private final JobCodec codec;
    private final WarmPool pool;
    private final String workerId;
    private final int capacity;
    private final Duration interval;
    private final Clock clock;
    private ScheduledExecutorService loop;

    public KafkaWorkerStatePublisher(KafkaTemplate<String, byte[]> kafka, JobCodec codec, WarmPool pool,
            String workerId, int capacity, Duration interval, Clock clock) {
        this.kafka = kafka;
        this.codec = codec;
        this.pool = pool;
        this.workerId = workerId;
        this.capacity = capacity;
        this.interval = interval;
        this.clock = clock;
    }

    /** Publishes the current state once. */
    public void publish() {
        WorkerState state = new WorkerState(WorkerState.VERSION, workerId, clock.instant(), capacity, pool.status());
        kafka.send(Topics.WORKER_STATES, workerId, codec.write(state));
    }

    @Override
    public void start() {
        loop = Executors.newSingleThreadScheduledExecutor(BackgroundLoops.daemonThreads("kiff-worker-state"));
        loop.scheduleWithFixedDelay(() -> {
            try {
                publish();
            } catch (RuntimeException e) {
                log.warn("worker state not published, trying again: {}", e.toString());
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        loop.shutdownNow();
        try {
            kafka.send(Topics.WORKER_STATES, workerId, null).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("could not announce that worker {} leaves: {}", workerId, e.toString());
        }
    }

    @Override
    public boolean isRunning() {
        return loop != null && !loop.isShutdown();
    }

    /** Stops after the job feed, so the last state shows the drained pools. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 300;
    }
}
