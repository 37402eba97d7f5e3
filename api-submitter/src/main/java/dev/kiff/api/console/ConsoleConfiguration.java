package dev.kiff.api.console;

import dev.kiff.api.ApiProperties;
import dev.kiff.api.auth.ApiKeyAuthenticator;
import dev.kiff.core.console.DeadLetterRequeue;
import dev.kiff.core.console.DeadLetterRequeuer;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.tenant.QuotaGuard;
import dev.kiff.api.metrics.MeteredDeadLetterRequeue;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import dev.kiff.core.console.JobBrowser;
import dev.kiff.core.console.TenantBrowser;
import dev.kiff.persistence.JooqTenantBrowser;
import dev.kiff.persistence.JooqDeadLetterRequeue;
import dev.kiff.persistence.JooqJobBrowser;
import org.jooq.DSLContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The web console's wiring: its read model, the dead-letter requeue (the console's and {@code POST
 * /v1/dlq/{id}/requeue}'s), and the cookie authentication.
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleConfiguration {

    @Bean
    JobBrowser jobBrowser(DSLContext db) {
        return new JooqJobBrowser(db);
    }

    @Bean
    DeadLetterRequeue deadLetterRequeue(DSLContext db, JobRepository jobs, MeterRegistry meters) {
        return new MeteredDeadLetterRequeue(new JooqDeadLetterRequeue(db), jobs, meters);
    }

    @Bean
    DeadLetterRequeuer deadLetterRequeuer(DeadLetterRequeue requeue, JobRepository jobs, QuotaGuard quotas,
            Clock clock) {
        return new DeadLetterRequeuer(requeue, jobs, quotas, clock);
    }

    @Bean
    TenantBrowser tenantBrowser(DSLContext db) {
        return new JooqTenantBrowser(db);
    }

    @Bean
    SchedulerView schedulerView(ConsoleProperties properties) {
        return new HttpSchedulerView(properties.schedulerUrl(), properties.schedulerTimeout());
    }

    @Bean
    ConsoleAuthentication consoleAuthentication(ApiKeyAuthenticator authenticator, ApiProperties properties) {
        return new ConsoleAuthentication(authenticator, properties);
    }
}
