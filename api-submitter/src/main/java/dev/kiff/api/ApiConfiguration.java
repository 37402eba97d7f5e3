package dev.kiff.api;

import dev.kiff.api.kafka.KafkaJobPublisher;
import dev.kiff.api.kafka.KafkaCancellationPublisher;
import dev.kiff.api.results.ResultWaiters;
import dev.kiff.core.submit.JobCanceller;
import dev.kiff.spring.KafkaResultPublisher;
import dev.kiff.api.results.ResultsListener;
import dev.kiff.core.job.JobValidator;
import dev.kiff.core.json.JobCodec;
import dev.kiff.core.port.JobPublisher;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.submit.JobSubmitter;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

@Configuration(proxyBeanMethods = false)
public class ApiConfiguration {

    @Bean
    JobPublisher jobPublisher(KafkaTemplate<String, byte[]> kafka, JobCodec codec, ApiProperties properties) {
        return new KafkaJobPublisher(kafka, codec, properties.publishTimeout());
    }

    @Bean
    ResultWaiters resultWaiters() {
        return new ResultWaiters();
    }

    @Bean
    ResultsListener resultsListener(ResultWaiters waiters, JobCodec codec) {
        return new ResultsListener(waiters, codec);
    }

    @Bean
    JobCanceller jobCanceller(JobRepository jobs, KafkaTemplate<String, byte[]> kafka, JobCodec codec,
            ApiProperties properties, Clock clock) {
        return new JobCanceller(jobs, new KafkaResultPublisher(kafka, codec, properties.publishTimeout()),
                new KafkaCancellationPublisher(kafka, properties.publishTimeout()), clock);
    }

    @Bean
    JobSubmitter jobSubmitter(JobValidator validator, JobRepository jobs, JobPublisher publisher, JobCodec codec,
            Clock clock) {
        return new JobSubmitter(validator, jobs, publisher, codec, clock);
    }
}
