package dev.kiff.worker.kafka;

import dev.kiff.core.health.DependencyHealth;
import dev.kiff.model.job.VmType;
import dev.kiff.core.pool.WarmPool;
import dev.kiff.core.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * How jobs leave Kafka: one consumer that polls a VM type's topic only while that type's pool has an idle sandbox,
 * so waiting jobs stay in Kafka, where consumer lag measures them, and no job waits in worker memory beyond the
 * sandboxes already claimed for it.
 *
 * <p>Each job taken runs on a thread of its own while the consumer goes on polling; offsets are committed out of
 * order through {@link CompletedOffsets}, so a long job neither blocks the jobs behind it nor delays the next poll
 * (no rebalance through {@code max.poll.interval.ms}). A pool with an idle sandbox again, or a finished job, wakes
 * the consumer at once.
 *
 * <p>Every try of a job runs in a sandbox claimed for it ({@link WarmPool#tryReserve}): the first, and each retry
 * after its back-off. A try that finds no idle sandbox waits in a queue, holding no thread, until one is idle; the
 * partitions of its type stay paused meanwhile, so a retry goes before new jobs of its type and a retry storm cannot
 * start sandboxes beside the pool.
 *
 * <p>While the database or the sandbox engine does not answer ({@link DependencyHealth}), every partition is paused
 * and no waiting try starts: jobs stay in Kafka, or wait here without losing an attempt, and go on when it is back.
 *
 * <p>It also takes the opens of sessions ({@code kiff.session-opens.<type>}) of its types, by the same rule: only
 * while a sandbox of the type is idle (so only a worker that can open a session at once takes its open) and while it
 * holds fewer sessions than its maximum (so jobs keep room). An open is handed, with the claimed sandbox, to the
 * {@link SessionRecordListener}.
 *
 * <p>On shutdown it stops taking jobs, lets the running ones finish (within the drain timeout), commits, and leaves
 * the group.
 */
public final class KafkaJobFeed implements SmartLifecycle {

    /**
     * How the job consumer is closed when the worker stops: a static member stays in the group when it closes, but a
     * worker that stops (not one that dies) leaves, so that the others take its partitions at once rather than after
     * the session timeout.
     */
    static final CloseOptions ON_STOP = CloseOptions.timeout(Duration.ofSeconds(5))
            .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP);

    private static final Logger log = LoggerFactory.getLogger(KafkaJobFeed.class);

    private final java.util.function.Supplier<Consumer<String, byte[]>> consumers;
    private final List<String> topics;
    private final WarmPool pool;
    private final JobRecordListener listener;
    private final SessionRecordListener opens;
    private final java.util.function.BooleanSupplier roomForSession;
    private final DependencyHealth health;
    private final Duration pollTimeout;
    private final Duration drainTimeout;
    private final CompletedOffsets offsets = new CompletedOffsets();
    /** Jobs taken and not finished, whichever partition they came from (the offsets forget lost partitions). */
    private final AtomicInteger unfinished = new AtomicInteger();
    private final ExecutorService jobs;
    private final ScheduledExecutorService later;
    /** Tries due to run that wait for an idle sandbox of their topic's type, oldest first. */
    private final Queue<Try> waiting = new ConcurrentLinkedQueue<>();
    private volatile Consumer<String, byte[]> consumer;
    private volatile boolean running;
    private volatile boolean stopped = true;
    private Thread loop;

    /**
     * @param opens          takes the session opens; null for a feed of jobs only
     * @param roomForSession whether the worker may hold one more session now
     */
    public KafkaJobFeed(java.util.function.Supplier<Consumer<String, byte[]>> consumers, Collection<VmType> types,
            WarmPool pool, JobRecordListener listener, Duration pollTimeout, Duration drainTimeout,
            DependencyHealth health, SessionRecordListener opens, java.util.function.BooleanSupplier roomForSession) {
        this.consumers = consumers;
        this.health = health;
        this.opens = opens;
        this.roomForSession = roomForSession;
        List<String> subscribed = new java.util.ArrayList<>(types.stream().map(Topics::jobs).toList());
        if (opens != null) {
            types.stream().map(Topics::sessionOpens).forEach(subscribed::add);
        }
        this.topics = List.copyOf(subscribed);
        this.pool = pool;
        this.listener = listener;
        this.pollTimeout = pollTimeout;
        this.drainTimeout = drainTimeout;
        AtomicInteger threads = new AtomicInteger();
        this.jobs = Executors.newCachedThreadPool(r -> daemon(r, "kiff-job-" + threads.incrementAndGet()));
        this.later = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "kiff-job-retry"));
        pool.onIdle(type -> wake());
        health.onChange(this::wake);
    }

    @Override
    public void start() {
        running = true;
        stopped = false;
        loop = daemon(this::run, "kiff-job-feed");
        loop.start();
    }

    @Override
    public void stop() {
        running = false;
        wake();
        try {
            loop.join(drainTimeout.toMillis() + 10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        later.shutdownNow();
        jobs.shutdown();
    }

    @Override
    public boolean isRunning() {
        return !stopped;
    }

    /** Stops before the pool and the sandboxes it holds go away. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }

    /** Jobs taken and not finished. */
    public int inFlight() {
        return unfinished.get();
    }

    private void run() {
        Consumer<String, byte[]> c = consumers.get();
        consumer = c;
        try {
            c.subscribe(topics, new Rebalance());
            while (running) {
                cycle(c);
            }
            drain(c);
        } catch (RuntimeException e) {
            log.error("the job feed stopped: {}", e.toString(), e);
        } finally {
            try {
                c.close(ON_STOP);
            } catch (RuntimeException e) {
                log.debug("closing the job consumer failed: {}", e.toString());
            }
            stopped = true;
        }
    }

    private void cycle(Consumer<String, byte[]> c) {
        try {
            dispatchWaiting();
            applyPauses(c);
            ConsumerRecords<String, byte[]> records = c.poll(pollTimeout);
            for (ConsumerRecord<String, byte[]> record : records) {
                take(record);
            }
            commit(c);
        } catch (WakeupException e) {
            // An idle sandbox or a finished job: look at pauses and commits again at once.
        } catch (RebalanceInProgressException e) {
            // Every rebalance may refuse a commit once; the offsets are committed again after it, nothing is lost.
            log.warn("job feed commit deferred by a rebalance: {}", e.getMessage());
        } catch (RuntimeException e) {
            // The loop must outlive a broker hiccup; the consumer reconnects by itself.
            log.error("job feed cycle failed, going on: {}", e.toString());
        }
    }

    /** Stops taking jobs, waits for the running ones, commits what they finished. */
    private void drain(Consumer<String, byte[]> c) {
        Instant deadline = Instant.now().plus(drainTimeout);
        log.info("job feed draining: {} job(s) still running", unfinished.get());
        while (unfinished.get() > 0 && Instant.now().isBefore(deadline)) {
            try {
                dispatchWaiting();
                c.pause(c.assignment());
                c.poll(Duration.ofMillis(200));
                commit(c);
            } catch (WakeupException e) {
                // a job finished
            } catch (RuntimeException e) {
                log.error("job feed drain cycle failed: {}", e.toString());
            }
        }
        try {
            commit(c);
        } catch (RuntimeException e) {
            log.error("final commit failed: {}", e.toString());
        }
        if (unfinished.get() > 0) {
            log.warn("{} job(s) still running after the drain timeout; Kafka delivers them again", unfinished.get());
        }
    }

    /** Pauses every partition of a VM type without an idle sandbox, resumes the others. */
    private void applyPauses(Consumer<String, byte[]> c) {
        Set<TopicPartition> assigned = c.assignment();
        if (assigned.isEmpty()) {
            return;
        }
        Set<TopicPartition> paused = c.paused();
        boolean dependenciesAnswer = health.available();
        Set<TopicPartition> pause = new HashSet<>();
        Set<TopicPartition> resume = new HashSet<>();
        for (TopicPartition partition : assigned) {
            VmType type = Topics.vmTypeOf(partition.topic());
            boolean idle = running && dependenciesAnswer && pool.available(type) > 0
                    && waiting.stream().noneMatch(t -> t.type() == type)
                    && (!isOpen(partition.topic()) || roomForSession.getAsBoolean());
            if (!idle && !paused.contains(partition)) {
                pause.add(partition);
            } else if (idle && paused.contains(partition)) {
                resume.add(partition);
            }
        }
        if (!pause.isEmpty()) {
            c.pause(pause);
        }
        if (!resume.isEmpty()) {
            c.resume(resume);
        }
    }

    private void take(ConsumerRecord<String, byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        offsets.taken(partition, record.offset());
        unfinished.incrementAndGet();
        waiting.add(new Try(record, partition, Topics.vmTypeOf(record.topic()), 1));
        dispatchWaiting();
    }

    /**
     * Starts every waiting try whose type has an idle sandbox, claiming it. A try whose type has none stays, and so
     * do the tries of that type behind it. Runs on the polling thread only.
     */
    private void dispatchWaiting() {
        if (!health.available()) {
            return; // an outage: nothing starts until the database and the engine answer again
        }
        Set<VmType> full = new HashSet<>();
        for (Iterator<Try> it = waiting.iterator(); it.hasNext(); ) {
            Try next = it.next();
            if (full.contains(next.type())) {
                continue;
            }
            Optional<WarmPool.Reservation> reservation = pool.tryReserve(next.type());
            if (reservation.isEmpty()) {
                full.add(next.type());
                continue;
            }
            it.remove();
            jobs.execute(() -> attempt(next, reservation.get()));
        }
    }

    private void attempt(Try job, WarmPool.Reservation reservation) {
        ConsumerRecord<String, byte[]> record = job.record();
        JobRecordListener.Next next;
        try {
            next = isOpen(record.topic()) ? opens.open(record, reservation, job.attempt())
                    : listener.handle(record, reservation, job.attempt());
        } catch (RuntimeException e) {
            if (health.recheck()) {
                log.error("Job record {}-{}@{} could not be handled, trying again: {}", record.topic(),
                        record.partition(), record.offset(), JobRecordListener.rootMessage(e));
            }
            next = new JobRecordListener.Next.Again(Duration.ofSeconds(5), job.attempt());
        } finally {
            reservation.close();
        }
        if (next instanceof JobRecordListener.Next.Again again && !later.isShutdown()) {
            // After its back-off it waits for an idle sandbox like any job: a retry starts no sandbox of its own.
            later.schedule(() -> {
                waiting.add(new Try(record, job.partition(), job.type(), again.attempt()));
                wake();
            }, again.delay().toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        offsets.done(job.partition(), record.offset());
        unfinished.decrementAndGet();
        wake();
    }

    private static boolean isOpen(String topic) {
        return topic.startsWith(Topics.SESSION_OPENS_PREFIX);
    }

    /** One try of a job record: the record, where it came from, the VM type of its topic, its number. */
    private record Try(ConsumerRecord<String, byte[]> record, TopicPartition partition, VmType type, int attempt) {
    }

    private void commit(Consumer<String, byte[]> c) {
        Map<TopicPartition, OffsetAndMetadata> commit = offsets.committable();
        commit.keySet().retainAll(c.assignment());
        if (!commit.isEmpty()) {
            c.commitSync(commit, Duration.ofSeconds(10));
            offsets.committed(commit);
        }
    }

    private void wake() {
        Consumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            try {
                commit(consumer);
            } catch (RuntimeException e) {
                log.warn("commit before giving up partitions {} failed: {}", partitions, e.toString());
            }
            offsets.forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            offsets.forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            log.info("job partitions assigned: {}", partitions);
            applyPauses(consumer);
        }
    }
}
