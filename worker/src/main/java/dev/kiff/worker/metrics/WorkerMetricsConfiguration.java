package dev.kiff.worker.metrics;

import dev.kiff.core.exec.RunMetrics;
import dev.kiff.core.pool.WarmPool;
import dev.kiff.worker.WorkerProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The worker's Kiff metrics: job figures from the executor, and the warm pools' gauges. */
@Configuration(proxyBeanMethods = false)
public class WorkerMetricsConfiguration {

    @Bean
    RunMetrics runMetrics(MeterRegistry meters, WorkerProperties worker) {
        return new MicrometerRunMetrics(meters, worker.vmTypes());
    }

    @Bean
    PoolMeters poolMeters(WarmPool pool, WorkerProperties worker) {
        return new PoolMeters(pool, worker.vmTypes());
    }
}
