package dev.kiff.worker;

import dev.kiff.core.exec.JobExecutor;
import dev.kiff.core.health.DependencyHealth;
import dev.kiff.core.output.LiveOutput;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.pool.OrphanSweep;
import dev.kiff.core.pool.SandboxFactory;
import dev.kiff.core.pool.SandboxInventory;
import dev.kiff.core.session.SessionKeeper;
import dev.kiff.core.topic.Topics;
import dev.kiff.spring.ControlTopicTail;
import dev.kiff.spring.KafkaConnection;
import dev.kiff.spring.KafkaRecordVerifier;
import dev.kiff.worker.docker.DockerProperties;
import java.time.Clock;
import dev.kiff.core.pool.WarmPool;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The worker's background loops. */
@Configuration(proxyBeanMethods = false)
public class WorkerConfiguration {

    @Bean
    WorkerTicks workerTicks(WarmPool pool, SandboxFactory sandboxes, JobExecutor executor, LiveOutput output,
            WorkerProperties properties, OrphanSweep orphanSweep, DockerProperties docker, DependencyHealth health,
            SessionKeeper sessions) {
        return new WorkerTicks(pool, sandboxes, executor, output, properties, orphanSweep, docker.orphanSweep(),
                health, sessions);
    }

    /** The sandboxes on this engine whose worker stopped reporting, removed by whichever worker sees them. */
    @Bean
    OrphanSweep orphanSweep(SandboxInventory sandboxInventory, WorkerProperties properties, DockerProperties docker,
            Clock clock) {
        return new OrphanSweep(sandboxInventory, properties.id(), docker.orphanGrace(), clock);
    }

    /** Every worker's state reports and leave tombstones, for the orphan sweep. */
    @Bean
    ControlTopicTail workerStateTail(KafkaConnection kafka, JobCodec codec, OrphanSweep orphanSweep,
            KafkaRecordVerifier verifier) {
        return ControlTopicTail.states(kafka, Topics.WORKER_STATES,
                (key, value) -> {
                    if (key == null) {
                        return;
                    }
                    if (value == null) {
                        orphanSweep.left(key);
                    } else {
                        orphanSweep.reported(key, codec.readWorkerState(value).at());
                    }
                }, verifier);
    }
}
