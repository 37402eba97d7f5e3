package dev.kiff.api.metrics;

import dev.kiff.api.events.OpenStreams;
import dev.kiff.core.submit.SubmissionMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The API's Kiff metrics: submissions, open event streams (webhook tries are counted where the dispatcher is made). */
@Configuration(proxyBeanMethods = false)
public class ApiMetricsConfiguration {

    @Bean
    SubmissionMetrics submissionMetrics(MeterRegistry meters) {
        return new MicrometerSubmissionMetrics(meters);
    }

    @Bean
    MeterBinder openStreamMeters(OpenStreams streams) {
        return meters -> Gauge.builder("kiff.sse.streams", streams, OpenStreams::openCount)
                .description("Server-sent event streams open on this API instance")
                .register(meters);
    }
}
