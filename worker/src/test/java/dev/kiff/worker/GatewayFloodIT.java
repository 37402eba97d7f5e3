package dev.kiff.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.VmType;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Several jobs flood their gateways at once, with every kind of call a job can make in parallel, while a neighbour
 * job runs: large uploads and downloads to and from a stand-in upstream, artifact uploads, refused calls, and
 * far more connections than a job may hold. The worker (this JVM) keeps its heap: what stays live after a garbage
 * collection never grows by more than the gateway's fixed buffers and its artifact memory, no OutOfMemoryError is
 * thrown anywhere, the neighbour gets its answer, and every call and upload is counted and audited.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class GatewayFloodIT extends WorkerIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(GatewayFloodIT.class);

    static final StandInService UPSTREAM = StandInService.start();

    /**
     * What the gateway may add to the live heap while flooded: 48 MB of artifact memory and a few buffers per
     * connection, with room to spare; a gateway that reads one of the flood's 200 MB answers whole passes it.
     */
    static final long HEAP_GROWTH_LIMIT = 160L * 1024 * 1024;

    /**
     * One flooding job: eight threads of large downloads (sized and chunked), large uploads (sized and chunked)
     * and artifact uploads straight on the gateway socket, then refused calls, then 200 connections at once (a job
     * may open 256 files).
     */
    static final String FLOOD = """
            import signal, socket, threading
            signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # a refused upload's socket closes under its writer
            SOCK = '/run/kiff/gateway.sock'
            ZEROS = bytes(65536)
            statuses = []

            def exchange(head, size=0, chunked=False, hold=None):
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    s.connect(SOCK)  # blocking: it waits for room in the gateway's backlog
                    s.settimeout(60)
                    if hold is not None:
                        hold.append(s)
                        return None
                    s.sendall(head.encode())
                    try:
                        left = size
                        while left > 0:
                            n = min(left, len(ZEROS))
                            s.sendall((b'%x\\r\\n' % n + ZEROS[:n] + b'\\r\\n') if chunked else ZEROS[:n])
                            left -= n
                        if chunked:
                            s.sendall(b'0\\r\\n\\r\\n')
                    except OSError:
                        pass  # the gateway stopped reading; its answer waits
                    first = s.recv(64)
                    while s.recv(65536):
                        pass
                    status = int(first.split(b' ')[1]) if first.startswith(b'HTTP/1.1 ') else 0
                except OSError:
                    status = 0
                finally:
                    if hold is None:
                        s.close()
                statuses.append(status)
                return status

            def downloads(i):
                for n in range(2):
                    exchange('GET /ml/bulk/200000000%s HTTP/1.1\\r\\nHost: kiff\\r\\n\\r\\n'
                             % ('?chunked' if (i + n) % 2 else ''))

            def uploads(i):
                exchange('PUT /ml/bulk/in HTTP/1.1\\r\\nHost: kiff\\r\\nContent-Length: 20000000\\r\\n\\r\\n', 20000000)
                exchange('PUT /ml/bulk/in HTTP/1.1\\r\\nHost: kiff\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n',
                         60000000, chunked=True)

            def artifacts(i):
                exchange('PUT /_kiff/artifacts/flood-%d.bin HTTP/1.1\\r\\nHost: kiff\\r\\nContent-Length: 15000000'
                         '\\r\\n\\r\\n' % i, 15000000)

            threads = [threading.Thread(target=work, args=(i,))
                       for i, work in enumerate([downloads, downloads, downloads, uploads, uploads, uploads,
                                                 artifacts, artifacts])]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            for i in range(40):
                exchange('GET /payments/charge HTTP/1.1\\r\\nHost: kiff\\r\\n\\r\\n')
            held = []
            for i in range(200):
                exchange(None, hold=held)
            # Each connection asks, and waits for its answer: the job ends only once all of them are counted.
            for s in held:
                try:
                    s.sendall(b'GET /payments/charge HTTP/1.1\\r\\nHost: kiff\\r\\n\\r\\n')
                except OSError:
                    pass
            for s in held:
                try:
                    first = s.recv(64)
                    statuses.append(int(first.split(b' ')[1]) if first.startswith(b'HTTP/1.1 ') else 0)
                except OSError:
                    statuses.append(0)
                s.close()
            import collections
            # Calls the gateway answered (it counted those at least), then all statuses by kind.
            print(len([s for s in statuses if s]), sorted(collections.Counter(statuses).items()))
            """;

    @Autowired
    DSLContext db;

    @DynamicPropertySource
    static void gateway(DynamicPropertyRegistry registry) {
        registry.add("kiff.gateway.bindings.ml.url", UPSTREAM::url);
        registry.add("kiff.gateway.artifact-memory", () -> "48MB");
    }

    @AfterAll
    static void stopUpstream() {
        UPSTREAM.close();
    }

    @Test
    void floodingJobsLeaveTheWorkersHeapAndTheirNeighbourAlone() {
        List<Throwable> outOfMemory = new CopyOnWriteArrayList<>();
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            if (e instanceof OutOfMemoryError) {
                outOfMemory.add(e);
            }
        });
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long baseline = memory.getHeapMemoryUsage().getUsed();
        AtomicLong peak = new AtomicLong(baseline);
        AtomicBoolean flooding = new AtomicBoolean(true);
        // What stays live after a collection, sampled throughout the flood.
        Thread sampler = new Thread(() -> {
            while (flooding.get()) {
                System.gc();
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                await().pollDelay(Duration.ofMillis(500)).until(() -> true);
            }
        }, "heap-sampler");
        sampler.start();
        try {
            List<JobMessages> floods = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                JobMessages flood = JobMessages.python(FLOOD).vmType(VmType.ML_AGENT).timeoutMs(80_000).pids(128);
                floods.add(flood);
                publish(flood);
            }
            JobMessages neighbour = JobMessages.python("print(sum(range(1000)))");
            publish(neighbour);

            JobResult quiet = awaitTerminal(neighbour.id());
            assertThat(quiet.status()).as(quiet.toString()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(quiet.stdout()).isEqualTo("499500\n");

            // The floods may run one after another, in whatever order their partitions are read, each half a
            // minute or more on a loaded machine: the wait covers all three, not one each.
            await().atMost(JOB_DEADLINE.multipliedBy(floods.size())).pollInterval(Duration.ofMillis(500))
                    .until(() -> floods.stream().allMatch(flood -> jobs.find(UUID.fromString(flood.id()))
                            .map(record -> record.state().status().isTerminal()).orElse(false)));
            for (JobMessages flood : floods) {
                JobResult result = awaitTerminal(flood.id());
                assertThat(result.status()).as(result.toString()).isEqualTo(JobStatus.SUCCEEDED);
                // 14 transfers, 40 refused calls, 200 connections: each counts, whatever became of it.
                long answered = Long.parseLong(result.stdout().split(" ")[0]);
                assertThat(answered).as(result.stdout()).isGreaterThanOrEqualTo(200);
                assertThat(result.usage().gatewayCalls()).as("%s: %s", result, result.stdout())
                        .isGreaterThanOrEqualTo((int) answered);
                assertThat(result.usage().gatewayBytes()).as(result.toString())
                        .isLessThanOrEqualTo(10L * 1024 * 1024 + 16L * 1024 * 1024 + 4 * 64 * 1024);
                UUID id = result.id();
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(outcomes(id))
                        .containsKeys("binding-not-allowed", "quota-exceeded", "connection-limit")
                        .satisfies(counts -> assertThat(counts.values().stream().mapToLong(Long::longValue).sum())
                                .as("audit rows of Job(id=%s): %s", id, counts).isGreaterThanOrEqualTo(answered)));
            }
        } finally {
            flooding.set(false);
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !sampler.isAlive());
        log.info("Live heap while flooded: {} MB before, at most {} MB during", baseline >> 20, peak.get() >> 20);
        assertThat(outOfMemory).as("OutOfMemoryErrors thrown while flooded").isEmpty();
        assertThat(peak.get() - baseline).as("growth of the live heap while flooded (baseline %d MB)",
                baseline >> 20).isLessThan(HEAP_GROWTH_LIMIT);
    }

    /** The audited outcomes of one job's gateway calls, and how many of each. */
    Map<String, Long> outcomes(UUID job) {
        return db.fetch("SELECT outcome, count(*) AS n FROM gateway_calls WHERE job_id = ? GROUP BY outcome", job)
                .stream().collect(Collectors.toMap(r -> r.get("outcome", String.class), r -> r.get("n", Long.class)));
    }
}
