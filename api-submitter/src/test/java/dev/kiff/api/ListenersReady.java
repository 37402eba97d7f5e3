package dev.kiff.api;

import static org.awaitility.Awaitility.await;

import dev.kiff.api.events.LiveEvents;
import dev.kiff.model.batch.Batch;
import dev.kiff.model.batch.BatchProgress;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.Timings;
import dev.kiff.model.job.VmType;
import dev.kiff.model.json.JobCodec;
import dev.kiff.model.output.LogChunk;
import dev.kiff.core.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Waits until the API instance's own listeners of live events ({@code kiff.results}, {@code kiff.logs},
 * {@code kiff.batches}) hear what is published: they start at the latest offset once given their partitions, so an
 * event published before would never reach this instance's streams and waiters. Each topic gets probe events (of a
 * tenant and job no test uses) until one arrives.
 */
final class ListenersReady {

    private static final Set<LiveEvents> READY = ConcurrentHashMap.newKeySet();

    private ListenersReady() {
    }

    static void hear(LiveEvents live, KafkaTemplate<String, byte[]> kafka, JobCodec codec) {
        if (READY.contains(live)) {
            return;
        }
        String tenant = "probe-" + UUID.randomUUID();
        UUID job = UUID.randomUUID();
        Instant now = Instant.now();
        AtomicBoolean result = new AtomicBoolean();
        AtomicBoolean chunk = new AtomicBoolean();
        AtomicBoolean batch = new AtomicBoolean();
        Runnable stopTenant = live.watch(tenant, new LiveEvents.TenantWatcher() {
            @Override
            public void result(JobResult heard) {
                result.set(true);
            }

            @Override
            public void batch(BatchProgress heard) {
                batch.set(true);
            }
        });
        Runnable stopJob = live.watch(job, new LiveEvents.JobWatcher() {
            @Override
            public void output(LogChunk heard) {
                chunk.set(true);
            }

            @Override
            public void result(JobResult heard) {
            }
        });
        try {
            JobResult probe = new JobResult(JobResult.VERSION, job, tenant, VmType.CODE_EXEC, JobStatus.REJECTED, null,
                    null, false, null, false, "a probe of the test's listeners", null, 0,
                    Timings.of(now, null, null), List.of());
            LogChunk line = new LogChunk(LogChunk.VERSION, job, tenant, 1, 1, LogChunk.STDOUT, "probe", now);
            BatchProgress done = BatchProgress.of(new Batch(UUID.randomUUID(), tenant, 0, null, now, now, null),
                    Map.of());
            probeUntilHeard(result, heard -> kafka.send(Topics.RESULTS, job.toString(), codec.write(probe)));
            probeUntilHeard(chunk, heard -> kafka.send(Topics.LOGS, job.toString(), codec.write(line)));
            probeUntilHeard(batch, heard -> kafka.send(Topics.BATCH_EVENTS, done.id().toString(), codec.write(done)));
            READY.add(live);
        } finally {
            stopTenant.run();
            stopJob.run();
        }
    }

    private static void probeUntilHeard(AtomicBoolean heard, Consumer<Boolean> send) {
        send.accept(false);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!heard.get()) {
                send.accept(true);
            }
            return heard.get();
        });
    }
}
