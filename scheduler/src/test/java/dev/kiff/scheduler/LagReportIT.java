package dev.kiff.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.model.job.VmType;
import dev.kiff.core.lag.LagMonitor;
import dev.kiff.core.lag.LagReport;
import dev.kiff.core.lag.QueueLag;
import dev.kiff.core.topic.Topics;
import dev.kiff.testkit.SharedInfrastructure;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The scheduler's lag report against the real broker. The broker is fresh for this module's test JVM, so every job
 * topic starts empty and the figures below are exact.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // The timer ticks once at start-up, then not again during the test: the test ticks itself.
        properties = "kiff.scheduler.lag-interval=1h")
class LagReportIT {

    private static final TopicPartition DATA_PROCESSING_0 =
            new TopicPartition(Topics.jobs(VmType.DATA_PROCESSING), 0);

    @Value("${local.server.port}")
    int port;
    @Autowired
    LagMonitor monitor;
    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void infra(DynamicPropertyRegistry registry) {
        SharedInfrastructure.springProperties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @Test
    void reportsTheRecordsBeyondTheWorkersCommittedOffsetsOverHttpAndAsGauges() throws Exception {
        produce(DATA_PROCESSING_0, 5);

        LagReport waiting = monitor.tick();
        assertThat(waiting.error()).isNull();
        assertThat(lagByType(waiting)).as("nothing committed yet: all 5 wait").isEqualTo(lags(5));
        assertThat(gauges()).isEqualTo(lags(5));

        commitWorkerOffset(DATA_PROCESSING_0, 3);

        LagReport behind = monitor.tick();
        assertThat(behind.error()).isNull();
        assertThat(behind.readAt()).isAfterOrEqualTo(waiting.readAt());
        assertThat(lagByType(behind)).as("3 of 5 committed").isEqualTo(lags(2));
        assertThat(monitor.latest()).isEqualTo(behind);
        assertThat(meters.get("kiff.queue.lag").tag("vm_type", "data-processing").gauge().value()).isEqualTo(2.0);
        assertThat(gauges()).isEqualTo(lags(2));

        JsonNode served = getJson("/v1/lag");
        assertThat(served.path("error").isNull()).as(served.toString()).isTrue();
        assertThat(served.path("readAt").asString()).isEqualTo(behind.readAt().toString());
        assertThat(servedLags(served)).isEqualTo(lags(2));
    }

    @Test
    void countsSessionOpensWaitingAsTheirTypesDemand() throws Exception {
        TopicPartition opens = new TopicPartition(Topics.sessionOpens(VmType.CODE_EXEC), 0);
        produce(opens, 2);

        assertThat(lagByType(monitor.tick())).as("two opens wait for a warm code-exec sandbox")
                .containsEntry("code-exec", 2L);

        // Taken by the workers: the lag is gone, and the other test of this class sees code-exec empty again.
        commitWorkerOffset(opens, 2);
        assertThat(lagByType(monitor.tick())).containsEntry("code-exec", 0L);
    }

    private Map<String, Long> gauges() {
        Map<String, Long> gauges = new HashMap<>();
        for (VmType type : VmType.values()) {
            gauges.put(type.wireName(),
                    (long) meters.get("kiff.queue.lag").tag("vm_type", type.wireName()).gauge().value());
        }
        return gauges;
    }

    private static Map<String, Long> servedLags(JsonNode report) {
        Map<String, Long> lags = new HashMap<>();
        report.path("queues").valueStream().forEach(queue -> {
            String vmType = queue.path("vmType").asString();
            assertThat(queue.path("topic").asString()).isEqualTo("kiff.jobs." + vmType);
            lags.put(vmType, queue.path("lag").asLong());
        });
        return lags;
    }

    private static Map<String, Long> lags(long dataProcessing) {
        Map<String, Long> lags = new HashMap<>();
        for (VmType type : VmType.values()) {
            lags.put(type.wireName(), type == VmType.DATA_PROCESSING ? dataProcessing : 0L);
        }
        return lags;
    }

    private static Map<String, Long> lagByType(LagReport report) {
        Map<String, Long> lags = new HashMap<>();
        for (QueueLag queue : report.queues()) {
            assertThat(queue.topic()).isEqualTo(Topics.jobs(queue.vmType()));
            lags.put(queue.vmType().wireName(), queue.lag());
        }
        return lags;
    }

    private static void produce(TopicPartition partition, int records)
            throws ExecutionException, InterruptedException {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafka().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(partition.topic(), partition.partition(), "job-" + i, "{}"))
                        .get();
            }
        }
    }

    /** Commits {@code offset} on {@code partition} for the workers' group, as a worker does after processing. */
    private static void commitWorkerOffset(TopicPartition partition, long offset) {
        try (KafkaConsumer<byte[], byte[]> worker = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, Topics.WORKER_GROUP,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            worker.assign(List.of(partition));
            worker.commitSync(Map.of(partition, new OffsetAndMetadata(offset)), Duration.ofSeconds(10));
        }
    }

    private JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        return JsonMapper.builder().build().readTree(response.body());
    }
}
