package dev.kiff.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.model.batch.Batch;
import dev.kiff.core.batch.BatchRepository;
import dev.kiff.model.job.Job;
import dev.kiff.model.job.JobMessage;
import dev.kiff.model.job.JobResult;
import dev.kiff.model.job.JobStatus;
import dev.kiff.core.job.JobValidator;
import dev.kiff.core.port.JobRecord;
import dev.kiff.core.tenant.ApiKey;
import dev.kiff.core.tenant.Quotas;
import dev.kiff.core.tenant.Tenant;
import dev.kiff.core.tenant.TenantDirectory;
import dev.kiff.core.topic.Topics;
import dev.kiff.core.trust.ProducerKeys;
import dev.kiff.model.trust.RecordSignature;
import dev.kiff.model.trust.SigningKey;
import dev.kiff.model.job.VmType;
import dev.kiff.testkit.SharedInfrastructure;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A plain Kafka producer that no one at Kiff wrote — anyone who can reach the broker — tries to run jobs as a tenant,
 * join another tenant's batch and kill a running job. Only a record signed with the platform key, or with the
 * producer key of the very tenant it names, runs; the rest go to the dead-letter topic with the reason and are never
 * stored or run.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "kiff.worker.vm-types=code-exec")
class ForgedRecordsIT extends WorkerIntegrationTest {

    private static final String TOPIC = Topics.jobs(VmType.CODE_EXEC);
    private static final SecureRandom RANDOM = new SecureRandom();

    @Autowired
    TenantDirectory tenants;
    @Autowired
    ProducerKeys producerKeys;
    @Autowired
    BatchRepository batches;
    @Autowired
    JobValidator validator;
    @Autowired
    MeterRegistry meters;

    private KafkaProducer<String, byte[]> stranger;
    private String tenantA;
    private String tenantB;
    private SigningKey keyOfA;

    @BeforeEach
    void tenantsAndAStranger() {
        stranger = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfrastructure.kafka().bootstrapServers()), new StringSerializer(), new ByteArraySerializer());
        tenantA = tenant();
        tenantB = tenant();
        String written = SigningKey.newProducerKey(tenantA, RANDOM);
        producerKeys.put(tenantA, written);
        keyOfA = SigningKey.producer(written);
    }

    @AfterEach
    void closeStranger() {
        stranger.close();
    }

    @Test
    void deadLettersAnUnsignedRecordNamingATenantAndNeverRunsIt() {
        JobMessages job = JobMessages.python("print('forged')").tenant(tenantB);
        double refusedBefore = deadRecords("refused");

        produce(TOPIC, job.id(), codec.write(job.build()), null);

        assertRefused(job.id(), "unsigned record");
        assertThat(deadRecords("refused")).as("kiff_records_dead_lettered_total{source=jobs,reason=refused}")
                .isEqualTo(refusedBefore + 1);
    }

    private double deadRecords(String reason) {
        return meters.get("kiff.records.dead.lettered").tags("source", "jobs", "reason", reason).counter().count();
    }

    @Test
    void deadLettersARecordSignedWithOneTenantsKeyThatNamesAnother() {
        JobMessages job = JobMessages.python("print('forged')").tenant(tenantB);
        byte[] value = codec.write(job.build());

        produce(TOPIC, job.id(), value, keyOfA);

        assertRefused(job.id(), "signed with the producer key of tenant " + tenantA + " but names tenant " + tenantB);
    }

    @Test
    void deadLettersATenantsRecordJoiningAnotherTenantsBatch() {
        UUID batchOfB = UUID.randomUUID();
        Job memberOfB = validator.validate(JobMessages.python("print(1)").tenant(tenantB).build(), UUID.randomUUID(),
                Instant.now()).inBatch(batchOfB);
        batches.insert(new Batch(batchOfB, tenantB, 1, null, Instant.now(), null, null), List.of(memberOfB));
        JobMessage own = JobMessages.python("print('joined')").tenant(tenantA).build();
        JobMessage joining = new JobMessage(own.v(), own.id(), own.tenant(), own.vmType(), own.language(), own.code(),
                own.stdin(), own.env(), own.files(), own.limits(), own.submittedAt(), batchOfB.toString(),
                own.callbackUrl(), own.retry());

        produce(TOPIC, own.id(), codec.write(joining), keyOfA);

        assertRefused(own.id(), "not a batch of tenant " + tenantA);
    }

    @Test
    void runsARecordSignedWithItsTenantsProducerKeyAsThatTenant() {
        JobMessages job = JobMessages.python("print('mine')").tenant(tenantA);

        produce(TOPIC, job.id(), codec.write(job.build()), keyOfA);

        JobResult result = awaitTerminal(job.id());
        assertThat(result.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.stdout()).isEqualTo("mine\n");
        assertThat(jobs.find(UUID.fromString(job.id())).orElseThrow().job().tenant()).isEqualTo(tenantA);
    }

    @Test
    void ignoresForgedCancellationsOfARunningJob() {
        JobMessages job = JobMessages.python(
                "import time\nprint('started', flush=True)\ntime.sleep(6)\nprint('done')");
        publish(job);
        UUID id = UUID.fromString(job.id());
        await().atMost(JOB_DEADLINE).until(() -> jobs.find(id).map(JobRecord::state)
                .map(s -> s.status() == JobStatus.RUNNING).orElse(false));

        byte[] kill = job.id().getBytes(StandardCharsets.UTF_8);
        produce(Topics.CANCELLATIONS, job.id(), kill, null);
        produce(Topics.CANCELLATIONS, job.id(), kill, keyOfA);

        JobResult result = awaitTerminal(job.id());
        assertThat(result.status()).as(result.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.stdout()).isEqualTo("started\ndone\n");
    }

    /** Sends as the stranger, signed with {@code key} when one is given. */
    private void produce(String topic, String key, byte[] value, SigningKey signWith) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        if (signWith != null) {
            record.headers().add(RecordSignature.HEADER, RecordSignature.of(signWith, topic, key, value)
                    .headerValue().getBytes(StandardCharsets.US_ASCII));
        }
        try {
            stranger.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("the broker did not take the record", e);
        }
    }

    /** The record is on the dead-letter topic with {@code reason}, and its job was never stored (so never run). */
    private void assertRefused(String id, String reason) {
        await().atMost(JOB_DEADLINE).untilAsserted(() ->
                assertThat(reason(deadLetters().recordsWithKey(id))).as("dead-letter reason").contains(reason));
        assertThat(jobs.find(UUID.fromString(id))).as("stored").isEmpty();
        assertThat(publishedResults(id)).as("results").isEmpty();
    }

    private String tenant() {
        String id = "t" + UUID.randomUUID().toString().substring(0, 8);
        tenants.create(new Tenant(id, Quotas.DEFAULT, "whsec_test", Instant.now()), ApiKey.generate(RANDOM));
        return id;
    }
}
