package dev.kiff.worker.control;

import dev.kiff.core.control.PoolTargets;
import dev.kiff.core.json.JobCodec;
import dev.kiff.core.pool.WarmPool;
import dev.kiff.core.topic.Topics;
import dev.kiff.spring.CompactedTopicTail;
import dev.kiff.worker.WorkerProperties;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

/** The worker's side of the control topics: it reports its pools, and converges them to the scheduler's targets. */
@Configuration(proxyBeanMethods = false)
public class ControlConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ControlConfiguration.class);

    @Bean
    KafkaWorkerStatePublisher workerStatePublisher(KafkaTemplate<String, byte[]> kafka, JobCodec codec,
            WarmPool pool, WorkerProperties worker, Clock clock) {
        return new KafkaWorkerStatePublisher(kafka, codec, pool, worker.id(), worker.capacity(),
                worker.statePublishInterval(), clock);
    }

    /** The targets the scheduler set for this worker; the latest record under its id wins. */
    @Bean
    CompactedTopicTail poolTargetTail(KafkaProperties kafka, JobCodec codec, WarmPool pool, WorkerProperties worker) {
        return new CompactedTopicTail(String.join(",", kafka.getBootstrapServers()), Topics.POOL_TARGETS,
                (key, value) -> {
                    if (!worker.id().equals(key) || value == null) {
                        return;
                    }
                    PoolTargets targets = codec.readPoolTargets(value);
                    log.debug("pool targets from scheduler {}: {}", targets.decidedBy(), targets.targets());
                    targets.targets().forEach(pool::setTarget);
                });
    }
}
