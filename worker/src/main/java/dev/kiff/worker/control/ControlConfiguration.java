package dev.kiff.worker.control;

import dev.kiff.model.control.PoolTargets;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.pool.WarmPool;
import dev.kiff.core.session.SessionRegistry;
import dev.kiff.core.topic.Topics;
import dev.kiff.spring.ControlTopicTail;
import dev.kiff.spring.KafkaConnection;
import dev.kiff.spring.KafkaRecordVerifier;
import dev.kiff.worker.WorkerProperties;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    /**
     * Kill requests for cancelled jobs: the worker whose pool runs the job kills its sandbox; a session's run is
     * interrupted instead (a SIGINT: the session keeps its state and goes idle).
     */
    @Bean
    ControlTopicTail cancellationTail(KafkaConnection kafka, WarmPool pool, SessionRegistry sessions,
            KafkaRecordVerifier verifier) {
        return ControlTopicTail.commands(kafka, Topics.CANCELLATIONS,
                (key, value) -> {
                    try {
                        if (key != null && !sessions.interrupt(UUID.fromString(key))
                                && !pool.kill(UUID.fromString(key))) {
                            log.debug("Job(id={}) was cancelled but does not run here", key);
                        }
                    } catch (IllegalArgumentException notAJobId) {
                        log.warn("kill request with a key that is no job id: {}", key);
                    }
                }, verifier);
    }

    /** The targets the scheduler set for this worker; the latest record under its id wins. */
    @Bean
    ControlTopicTail poolTargetTail(KafkaConnection kafka, JobCodec codec, WarmPool pool, WorkerProperties worker,
            KafkaRecordVerifier verifier) {
        return ControlTopicTail.states(kafka, Topics.POOL_TARGETS,
                (key, value) -> {
                    if (!worker.id().equals(key) || value == null) {
                        return;
                    }
                    PoolTargets targets = codec.readPoolTargets(value);
                    log.debug("pool targets from scheduler {}: {}", targets.decidedBy(), targets.targets());
                    targets.targets().forEach(pool::setTarget);
                }, verifier);
    }
}
