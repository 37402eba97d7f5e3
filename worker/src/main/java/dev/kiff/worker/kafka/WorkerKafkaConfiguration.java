package dev.kiff.worker.kafka;

import dev.kiff.core.exec.JobExecutor;
import dev.kiff.core.failure.PermanentFailure;
import dev.kiff.core.gateway.ArtifactStore;
import dev.kiff.core.job.JobValidator;
import dev.kiff.core.json.JobCodec;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.port.ResultPublisher;
import dev.kiff.core.port.SandboxRuntime;
import dev.kiff.core.topic.Topics;
import dev.kiff.worker.WorkerProperties;
import java.time.Clock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;

/** The job flow of the worker and how Kafka delivers jobs into it. */
@Configuration(proxyBeanMethods = false)
public class WorkerKafkaConfiguration {

    private static final Logger log = LoggerFactory.getLogger(WorkerKafkaConfiguration.class);

    @Bean
    String[] workerJobTopics(WorkerProperties worker) {
        return worker.vmTypes().stream().map(Topics::jobs).toArray(String[]::new);
    }

    @Bean
    ResultPublisher resultPublisher(KafkaTemplate<String, byte[]> kafka, JobCodec codec, WorkerProperties worker) {
        return new KafkaResultPublisher(kafka, codec, worker.resultPublishTimeout());
    }

    @Bean
    JobExecutor jobExecutor(JobRepository jobs, SandboxRuntime sandboxes, ResultPublisher results,
            ArtifactStore artifacts, Clock clock, WorkerProperties worker) {
        return new JobExecutor(jobs, sandboxes, results, artifacts, clock, worker.id());
    }

    @Bean
    JobRecordListener jobRecordListener(JobCodec codec, JobValidator validator, JobExecutor executor,
            KafkaTemplate<String, byte[]> kafka, WorkerProperties worker) {
        return new JobRecordListener(codec, validator, executor, kafka, worker.resultPublishTimeout());
    }

    /**
     * A job the platform failed to run (Docker or database trouble) is delivered again after a pause, up to
     * {@code maxDeliveryAttempts} times, then ends in ERROR with the last reason. Permanent failures skip the retries.
     * Boot's listener container factory picks this handler up.
     */
    @Bean
    DefaultErrorHandler jobErrorHandler(JobRecordListener listener, WorkerProperties worker) {
        DefaultErrorHandler handler = new DefaultErrorHandler((record, exception) -> {
            @SuppressWarnings("unchecked")
            ConsumerRecord<String, byte[]> job = (ConsumerRecord<String, byte[]>) record;
            listener.giveUp(job, rootMessage(exception));
        }, new FixedBackOff(worker.retryBackoff().toMillis(), worker.maxDeliveryAttempts() - 1L));
        handler.addNotRetryableExceptions(PermanentFailure.class);
        handler.setRetryListeners((record, exception, attempt) -> log.warn(
                "Job record {}-{}@{} (key {}) failed delivery attempt {}: {}", record.topic(), record.partition(),
                record.offset(), record.key(), attempt, rootMessage(exception)));
        return handler;
    }

    private static String rootMessage(Throwable exception) {
        Throwable cause = exception;
        while (cause.getCause() != null && cause.getCause() != cause
                && !(cause instanceof dev.kiff.core.failure.TransientFailure)) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }
}
