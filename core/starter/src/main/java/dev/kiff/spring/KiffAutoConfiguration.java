package dev.kiff.spring;

import dev.kiff.core.job.JobValidator;
import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.topic.Topics;
import dev.kiff.core.gateway.ArtifactStore;
import dev.kiff.core.gateway.GatewayAuditLog;
import dev.kiff.core.batch.BatchRepository;
import dev.kiff.core.output.LogStore;
import dev.kiff.core.tenant.TenantDirectory;
import dev.kiff.core.webhook.WebhookRepository;
import dev.kiff.persistence.JooqArtifactStore;
import dev.kiff.persistence.JooqBatchRepository;
import dev.kiff.persistence.JooqLogStore;
import dev.kiff.persistence.JooqProducerKeys;
import dev.kiff.core.trust.ProducerKeys;
import dev.kiff.persistence.JooqTenantDirectory;
import dev.kiff.persistence.JooqWebhookRepository;
import dev.kiff.persistence.JooqGatewayAuditLog;
import dev.kiff.persistence.JooqJobRepository;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.jooq.DSLContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import dev.kiff.core.trust.RecordVerifier;
import dev.kiff.model.trust.SigningKey;

/** The contract's objects as beans, and the Kiff topics, for every Kiff app. */
@AutoConfiguration
@EnableConfigurationProperties({TopicProperties.class, CatalogueProperties.class, KafkaSecurityProperties.class,
        RecordTrustProperties.class})
public class KiffAutoConfiguration {

    /** {@code kiff.kafka.*} into Boot's Kafka properties, before any client is built from them. */
    @Bean
    static KafkaSecurityApplier kafkaSecurityApplier(ObjectProvider<KafkaSecurityProperties> security) {
        return new KafkaSecurityApplier(security);
    }

    /** How the clients Kiff builds by hand reach the brokers: as Boot's own do. */
    @Bean
    @ConditionalOnMissingBean
    KafkaConnection kafkaConnection(KafkaProperties kafka) {
        return KafkaConnection.of(kafka);
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    @ConditionalOnMissingBean
    JobCodec jobCodec() {
        return new JobCodec();
    }

    @Bean
    @ConditionalOnMissingBean
    VmTypeCatalogue vmTypeCatalogue(CatalogueProperties properties) {
        return properties.file() == null ? VmTypeCatalogue.builtIn() : VmTypeCatalogue.load(properties.file());
    }

    @Bean
    @ConditionalOnMissingBean
    JobValidator jobValidator(VmTypeCatalogue catalogue) {
        return new JobValidator(catalogue);
    }

    /** The platform key every Kiff service signs its records with, and believes only records signed with. */
    @Bean
    @ConditionalOnMissingBean
    SigningKey platformRecordKey(RecordTrustProperties properties) {
        return SigningKey.platform(properties.recordKey());
    }

    @Bean
    @ConditionalOnMissingBean
    KafkaRecordSigner kafkaRecordSigner(SigningKey platformRecordKey) {
        return new KafkaRecordSigner(platformRecordKey);
    }

    /** For the readers of what only Kiff produces: results, logs, batch events, control records. */
    @Bean
    @ConditionalOnMissingBean
    KafkaRecordVerifier kafkaRecordVerifier(SigningKey platformRecordKey, Clock clock) {
        return new KafkaRecordVerifier(new RecordVerifier(platformRecordKey, null), clock);
    }

    /**
     * Every KafkaTemplate of a Kiff app signs what it sends with the platform key: one place, so no publisher (and
     * no publisher added later) sends an unsigned record that readers would drop. Kiff's templates are all
     * {@code KafkaTemplate<String, byte[]>}; a template made with {@code new} must set the signer itself.
     */
    @Bean
    static BeanPostProcessor kafkaTemplateSigning(ObjectProvider<KafkaRecordSigner> signer) {
        return new BeanPostProcessor() {
            @Override
            @SuppressWarnings("unchecked")
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof KafkaTemplate<?, ?> template) {
                    ((KafkaTemplate<String, byte[]>) template).setProducerInterceptor(signer.getObject());
                }
                return bean;
            }
        };
    }

    /** Every Kiff topic, created by whichever app starts first; Kafka ignores a topic that exists. */
    @Bean
    KafkaAdmin.NewTopics kiffTopics(TopicProperties properties) {
        String maxBytes = String.valueOf(properties.maxMessageBytes());
        List<NewTopic> topics = new ArrayList<>();
        for (String name : Topics.jobTopics()) {
            topics.add(topic(name, properties.partitions(), properties, maxBytes));
        }
        // Session opens are partitioned as jobs are (any worker of the type may take one), events as results.
        for (String name : Topics.sessionOpenTopics()) {
            topics.add(topic(name, properties.partitions(), properties, maxBytes));
        }
        topics.add(topic(Topics.SESSION_EVENTS, properties.partitions(), properties, maxBytes));
        topics.add(topic(Topics.RESULTS, properties.partitions(), properties, maxBytes));
        topics.add(topic(Topics.DEAD_LETTERS, 1, properties, maxBytes));
        topics.add(TopicBuilder.name(Topics.LOGS).partitions(properties.partitions())
                .replicas(properties.replicationFactor()).config(TopicConfig.RETENTION_MS_CONFIG, "86400000").build());
        topics.add(topic(Topics.BATCH_EVENTS, properties.partitions(), properties, maxBytes));
        for (String control : List.of(Topics.WORKER_STATES, Topics.POOL_TARGETS)) {
            topics.add(TopicBuilder.name(control).partitions(1).replicas(properties.replicationFactor())
                    .compact().build());
        }
        topics.add(TopicBuilder.name(Topics.SCHEDULER_LEADER).partitions(1).replicas(properties.replicationFactor())
                .build());
        // Kill requests matter for seconds; an hour of them is plenty for a worker catching up after a pause.
        topics.add(TopicBuilder.name(Topics.CANCELLATIONS).partitions(1).replicas(properties.replicationFactor())
                .config(TopicConfig.RETENTION_MS_CONFIG, "3600000").build());
        return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
    }

    private static NewTopic topic(String name, int partitions, TopicProperties properties, String maxBytes) {
        return TopicBuilder.name(name)
                .partitions(partitions)
                .replicas(properties.replicationFactor())
                .config(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxBytes)
                .build();
    }

    /**
     * The repositories of jobs, artifacts, logs, tenants, batches and producer keys wherever there is a database;
     * those of gateway calls and webhooks only in the app that runs that feature.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({DSLContext.class, JooqJobRepository.class})
    static class Persistence {

        @Bean
        @ConditionalOnMissingBean
        JobRepository jobRepository(DSLContext db, JobCodec codec, Clock clock) {
            return new JooqJobRepository(db, codec, clock);
        }

        @Bean
        @ConditionalOnMissingBean
        ArtifactStore artifactStore(DSLContext db, Clock clock) {
            return new JooqArtifactStore(db, clock);
        }

        @Bean
        @ConditionalOnMissingBean
        LogStore logStore(DSLContext db) {
            return new JooqLogStore(db);
        }

        @Bean
        @ConditionalOnMissingBean
        TenantDirectory tenantDirectory(DSLContext db, Clock clock) {
            return new JooqTenantDirectory(db, clock);
        }

        @Bean
        @ConditionalOnMissingBean
        BatchRepository batchRepository(DSLContext db, JobCodec codec, Clock clock) {
            // Batch members are stored and read as jobs are: with the job repository's rows.
            return new JooqBatchRepository(db, new JooqJobRepository(db, codec, clock), clock);
        }

        @Bean
        @ConditionalOnMissingBean
        ProducerKeys producerKeys(DSLContext db, Clock clock) {
            return new JooqProducerKeys(db, clock);
        }

        /** The gateway's audit log, in the app that runs jobs (kiff-run on its class path: the worker). */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(name = "dev.kiff.core.gateway.GatewayAuditLog")
        static class GatewayPersistence {

            @Bean
            @ConditionalOnMissingBean
            GatewayAuditLog gatewayAuditLog(DSLContext db) {
                return new JooqGatewayAuditLog(db);
            }
        }

        /** Webhook deliveries, in the app that delivers them (kiff-delivery on its class path: the API). */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(name = "dev.kiff.core.webhook.WebhookRepository")
        static class WebhookPersistence {

            @Bean
            @ConditionalOnMissingBean
            WebhookRepository webhookRepository(DSLContext db) {
                return new JooqWebhookRepository(db);
            }
        }
    }
}
