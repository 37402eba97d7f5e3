package dev.kiff.worker.kafka;

import dev.kiff.core.exec.RunMetrics;
import dev.kiff.core.exec.JobExecutor;
import dev.kiff.core.exec.PatientJobRepository;
import dev.kiff.core.health.DependencyHealth;
import dev.kiff.core.gateway.ArtifactStore;
import dev.kiff.core.job.JobValidator;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.output.LiveOutput;
import dev.kiff.core.output.LogStore;
import dev.kiff.spring.KafkaLogPublisher;
import dev.kiff.core.pool.WarmPool;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.port.ResultPublisher;
import dev.kiff.core.topic.Topics;
import dev.kiff.spring.KafkaResultPublisher;
import dev.kiff.spring.RecordTrustProperties;
import dev.kiff.core.batch.BatchRepository;
import dev.kiff.core.trust.JobRecordClaims;
import dev.kiff.core.trust.ProducerKeys;
import dev.kiff.core.trust.RecordVerifier;
import dev.kiff.model.trust.SigningKey;
import java.util.Set;
import dev.kiff.worker.WorkerProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/** The job flow of the worker and how Kafka delivers jobs into it. */
@Configuration(proxyBeanMethods = false)
public class WorkerKafkaConfiguration {

    @Bean
    ResultPublisher resultPublisher(KafkaTemplate<String, byte[]> kafka, JobCodec codec, WorkerProperties worker) {
        return new KafkaResultPublisher(kafka, codec, worker.resultPublishTimeout());
    }

    @Bean
    LiveOutput liveOutput(LogStore logs, KafkaTemplate<String, byte[]> kafka, JobCodec codec, Clock clock,
            WorkerProperties worker) {
        return new LiveOutput(logs, new KafkaLogPublisher(kafka, codec), clock, worker.outputChunkChars(),
                worker.outputCap().toBytes());
    }

    @Bean
    JobExecutor jobExecutor(JobRepository jobs, WarmPool pool, ResultPublisher results, ArtifactStore artifacts,
            LiveOutput output, KafkaTemplate<String, byte[]> kafka, JobCodec codec, Clock clock,
            WorkerProperties worker, DependencyHealth health, RunMetrics metrics) {
        // A run that ends during a database outage keeps its result until the database is back.
        return new JobExecutor(new PatientJobRepository(jobs, health, worker.outagePatience()), pool, results,
                artifacts, output,
                new KafkaDeadLetterPublisher(kafka, codec, worker.resultPublishTimeout()), clock, worker.id(),
                worker.lease(), metrics);
    }

    @Bean
    JobRecordListener jobRecordListener(JobCodec codec, JobValidator validator, JobExecutor executor,
            KafkaTemplate<String, byte[]> kafka, WorkerProperties worker, JobRecordClaims claims,
            DependencyHealth health, RunMetrics metrics) {
        return new JobRecordListener(codec, validator, executor, kafka, worker.resultPublishTimeout(),
                worker.maxDeliveryAttempts(), worker.retryBackoff(), worker.lease(), claims, health, metrics);
    }

    /**
     * Job records prove the tenant they name: signed with the platform key (the API's), or with that tenant's
     * producer key; unsigned only on a topic the operator declared trusted.
     */
    @Bean
    JobRecordClaims jobRecordClaims(SigningKey platformRecordKey, ProducerKeys producerKeys,
            RecordTrustProperties trust, BatchRepository batches, JobRepository jobs) {
        return new JobRecordClaims(new RecordVerifier(platformRecordKey, producerKeys),
                Set.copyOf(trust.trustedTopics()), batches, jobs);
    }

    /** Boot's consumer settings (spring.kafka.consumer.*), in the workers' group, named after this worker. */
    @Bean
    KafkaJobFeed kafkaJobFeed(ConsumerFactory<String, byte[]> consumers, WarmPool pool, JobRecordListener listener,
            WorkerProperties worker, DependencyHealth health, SessionRecordListener opens) {
        Properties overrides = jobConsumerOverrides(worker);
        return new KafkaJobFeed(() -> consumers.createConsumer(Topics.WORKER_GROUP, worker.id(), null, overrides),
                worker.vmTypes(), pool, listener, Duration.ofMillis(500), worker.drainTimeout(), health, opens,
                () -> pool.sessions() < worker.maxSessions());
    }

    /** What the job consumer sets on top of Boot's consumer settings. */
    public static Properties jobConsumerOverrides(WorkerProperties worker) {
        Properties overrides = new Properties();
        overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // A batch is published in one Kafka transaction: a batch the API aborted must never run.
        overrides.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Static membership: a worker restarted under its name (after a crash too) gets its partitions back at once,
        // where a new dynamic member would wait for the dead one's session to expire. Names must be unique, so only
        // a name given by hand makes a static member; the default (host and pid) changes at every start anyway.
        if (worker.named()) {
            overrides.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, worker.id());
        }
        overrides.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                Long.toString(worker.groupSessionTimeout().toMillis()));
        return overrides;
    }
}
