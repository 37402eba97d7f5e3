package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.api.ApiClient.Reply;
import dev.kiff.api.results.ResultWaiters;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.Timings;
import dev.kiff.model.job.VmType;
import dev.kiff.core.topic.Topics;
import dev.kiff.model.trust.RecordSignature;
import dev.kiff.model.trust.SigningKey;
import dev.kiff.testkit.SharedInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Results reach clients only from Kiff's own producers: a plain Kafka producer's result for a waiting job, unsigned
 * or signed with a tenant's producer key, is not what the long-poll answers. And tenants get the producer keys that
 * let their own pipelines produce job records.
 */
class ForgedRecordsIT extends ApiIntegrationTest {

    @Autowired
    ResultWaiters waiters;

    @Test
    void answersALongPollWithNoResultAPlainProducerForged() throws Exception {
        ListenersReady.hear(live, kafka, codec);
        ApiClient api = new ApiClient(port);
        String id = api.postJob(JobRequests.valid()).json().path("id").asString();
        CompletableFuture<Reply> poll = CompletableFuture.supplyAsync(() -> api.get("/v1/jobs/" + id + "?wait=5s"));
        await().atMost(Duration.ofSeconds(30)).until(() -> waiters.waiting() > 0);

        byte[] forged = codec.write(new JobResult(JobResult.VERSION, UUID.fromString(id), "acme", VmType.CODE_EXEC,
                JobStatus.SUCCEEDED, 0, "forged\n", false, "", false, null, "nobody", 1,
                Timings.of(Instant.now(), Instant.now(), Instant.now()), List.of()));
        try (KafkaProducer<String, byte[]> stranger = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafka().bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            stranger.send(new ProducerRecord<>(Topics.RESULTS, id, forged)).get();
            ProducerRecord<String, byte[]> tenantSigned = new ProducerRecord<>(Topics.RESULTS, id, forged);
            tenantSigned.headers().add(RecordSignature.HEADER, RecordSignature.of(SigningKey.producer(
                    "kpk.acme.some-tenant-key"), Topics.RESULTS, id, forged).headerValue()
                    .getBytes(StandardCharsets.US_ASCII));
            stranger.send(tenantSigned).get();
        }

        Reply answer = poll.get();
        JsonNode job = answer.json();
        assertThat(job.path("status").asString()).as(answer.toString()).isEqualTo("QUEUED");
        assertThat(job.path("stdout").asString("")).doesNotContain("forged");
    }

    @Test
    void issuesAProducerKeyWithANewTenantAndANewOneOnRequest() {
        String name = "p" + UUID.randomUUID().toString().substring(0, 8);
        Reply created = new ApiClient(port, ApiClient.ADMIN_KEY).post("/v1/admin/tenants",
                "{\"name\":\"" + name + "\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String first = created.json().path("producerKey").asString();
        assertThat(first).startsWith("kpk." + name + ".");
        assertThat(SigningKey.producer(first).id()).isEqualTo("tenant/" + name);

        Reply rotated = new ApiClient(port, created.json().path("apiKey").asString()).post("/v1/tenant/producer-key",
                "");
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        assertThat(rotated.json().path("producerKey").asString()).startsWith("kpk." + name + ".").isNotEqualTo(first);
    }
}
