package dev.kiff.api.metrics;

import dev.kiff.api.events.OpenStreams;
import dev.kiff.core.dispatch.OldestQueuedJob;
import dev.kiff.core.submit.SubmissionMetrics;
import dev.kiff.model.job.VmType;
import dev.kiff.persistence.JooqQueuedJobAges;
import dev.kiff.spring.TickLoop;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The API's Kiff metrics: submissions, open event streams, and the age of the oldest queued job per VM type (webhook
 * tries are counted where the dispatcher is made).
 *
 * <p>The oldest queued job is read here, from PostgreSQL, rather than on the scheduler from Kafka: the scheduler holds
 * no database connection, and Kafka cannot tell it. The workers commit a partition up to its oldest record still
 * running, so the record at the committed offset may be a running job rather than a waiting one, and jobs held back
 * by their tenant's dispatch window are not on the topic at all. Every API instance reports the same figure: take
 * {@code max by (vm_type)}.
 */
@Configuration(proxyBeanMethods = false)
public class ApiMetricsConfiguration {

    /** As often as Prometheus scrapes by default: one small indexed query per instance and period. */
    private static final Duration OLDEST_QUEUED_READ = Duration.ofSeconds(15);

    @Bean
    SubmissionMetrics submissionMetrics(io.micrometer.core.instrument.MeterRegistry meters) {
        return new MicrometerSubmissionMetrics(meters);
    }

    @Bean
    MeterBinder openStreamMeters(OpenStreams streams) {
        return meters -> Gauge.builder("kiff.sse.streams", streams, OpenStreams::openCount)
                .description("Server-sent event streams open on this API instance")
                .register(meters);
    }

    @Bean
    OldestQueuedJob oldestQueuedJob(DSLContext db, Clock clock) {
        return new OldestQueuedJob(new JooqQueuedJobAges(db), clock);
    }

    @Bean
    TickLoop oldestQueuedTicks(OldestQueuedJob oldest) {
        return new TickLoop("kiff-oldest-queued", "oldest queued job read", OLDEST_QUEUED_READ, oldest::tick);
    }

    @Bean
    MeterBinder oldestQueuedMeters(OldestQueuedJob oldest) {
        return meters -> {
            for (VmType type : VmType.values()) {
                TimeGauge.builder("kiff.queue.oldest.age", oldest, TimeUnit.SECONDS,
                                o -> o.age(type).toMillis() / 1000.0)
                        .description("How long the oldest QUEUED job of the VM type has waited since its submission")
                        .tag("vm_type", type.wireName())
                        .register(meters);
            }
        };
    }
}
