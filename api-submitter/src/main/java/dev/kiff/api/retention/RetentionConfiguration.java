package dev.kiff.api.retention;

import dev.kiff.core.retention.RetentionPeriods;
import dev.kiff.core.retention.RetentionPurge;
import dev.kiff.persistence.JooqPurgeableRecords;
import dev.kiff.spring.TickLoop;
import java.time.Clock;
import org.jooq.DSLContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The retention purge of the API, the one app that owns the database's lifecycle of jobs. */
@Configuration(proxyBeanMethods = false)
public class RetentionConfiguration {

    @Bean
    RetentionPurge retentionPurge(DSLContext db, RetentionProperties properties, Clock clock) {
        return new RetentionPurge(new JooqPurgeableRecords(db),
                new RetentionPeriods(properties.jobs(), properties.logs(), properties.artifacts(), properties.audit(),
                        properties.webhooks(), properties.sessions()),
                clock, properties.batchSize(), properties.maxBatches());
    }

    @Bean
    TickLoop retentionTicks(RetentionPurge purge, RetentionProperties properties) {
        return new TickLoop("kiff-retention", "retention purge", properties.tick(), purge::tick);
    }
}
