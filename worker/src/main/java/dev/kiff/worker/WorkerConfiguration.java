package dev.kiff.worker;

import dev.kiff.core.exec.JobExecutor;
import dev.kiff.core.output.LiveOutput;
import dev.kiff.core.pool.SandboxFactory;
import dev.kiff.core.pool.WarmPool;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The worker's background loops. */
@Configuration(proxyBeanMethods = false)
public class WorkerConfiguration {

    @Bean
    WorkerTicks workerTicks(WarmPool pool, SandboxFactory sandboxes, JobExecutor executor, LiveOutput output,
            WorkerProperties properties) {
        return new WorkerTicks(pool, sandboxes, executor, output, properties);
    }
}
