package dev.kiff.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.core.topic.Topics;
import dev.kiff.model.control.PoolStatus;
import dev.kiff.model.control.WorkerState;
import dev.kiff.model.job.VmType;
import dev.kiff.model.json.JobCodec;
import dev.kiff.testkit.PrometheusScrape;
import dev.kiff.testkit.SharedInfrastructure;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The scheduler's metrics as Prometheus reads them: a worker's state report, published as a worker publishes it
 * (signed by this context's template), shows as a live worker and in the fleet's pool gauges.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "kiff.scheduler.lag-interval=1h")
class SchedulerMetricsIT {

    @Value("${local.server.port}")
    int port;
    @Autowired
    KafkaTemplate<String, byte[]> kafka;
    @Autowired
    JobCodec codec;
    @Autowired
    Clock clock;

    @DynamicPropertySource
    static void infra(DynamicPropertyRegistry registry) {
        SharedInfrastructure.springProperties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @Test
    void countsTheLiveWorkersAndTheSandboxesTheyHold() {
        WorkerState state = new WorkerState(WorkerState.VERSION, "metrics-it-worker", clock.instant(), 8,
                List.of(new PoolStatus(VmType.API_COMPOSITION, 3, 2, 1, 0, 8, 5, 1.5)));
        kafka.send(Topics.WORKER_STATES, state.workerId(), codec.write(state));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            PrometheusScrape scrape = PrometheusScrape.read(port);
            assertThat(scrape.value("kiff_workers_live", Map.of())).as(scrape.toString()).isGreaterThanOrEqualTo(1);
            assertThat(scrape.value("kiff_pool_warm", Map.of("vm_type", "api-composition"))).isEqualTo(3);
            assertThat(scrape.value("kiff_pool_busy", Map.of("vm_type", "api-composition"))).isEqualTo(1);
        });
        PrometheusScrape scrape = PrometheusScrape.read(port);
        for (VmType type : VmType.values()) {
            assertThat(scrape.samples("kiff_queue_lag", Map.of("vm_type", type.wireName()))).hasSize(1);
            assertThat(scrape.samples("kiff_pool_target", Map.of("vm_type", type.wireName()))).hasSize(1);
        }
        assertThat(scrape.samples("kiff_scheduler_leader", Map.of())).hasSize(1);
    }
}
