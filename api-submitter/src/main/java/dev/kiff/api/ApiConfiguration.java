package dev.kiff.api;

import dev.kiff.api.metrics.MeteredWebhookRepository;
import dev.kiff.core.submit.SubmissionMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import dev.kiff.api.auth.ApiKeyAuthenticator;
import dev.kiff.api.auth.TenantArgumentResolver;
import dev.kiff.api.dispatch.DispatchProperties;
import dev.kiff.api.events.JobEventStream;
import dev.kiff.api.events.LiveEvents;
import dev.kiff.api.events.OpenStreams;
import dev.kiff.api.events.TenantEventStream;
import dev.kiff.api.kafka.KafkaBatchEventPublisher;
import dev.kiff.api.kafka.KafkaCancellationPublisher;
import dev.kiff.api.kafka.KafkaJobPublisher;
import dev.kiff.api.kafka.LiveFeedListener;
import dev.kiff.api.kafka.KafkaFollowUpDeadLetters;
import dev.kiff.api.kafka.ResultFollowerListener;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.listener.ListenerContainerPauseService;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import dev.kiff.api.results.ResultAwait;
import dev.kiff.api.results.ResultWaiters;
import dev.kiff.api.results.ResultsListener;
import dev.kiff.api.webhook.InetAddressHostResolver;
import dev.kiff.api.webhook.SocketWebhookTransport;
import dev.kiff.api.webhook.WebhookProperties;
import dev.kiff.core.batch.BatchCanceller;
import dev.kiff.core.batch.BatchRepository;
import dev.kiff.core.batch.BatchSubmitter;
import dev.kiff.core.dispatch.DispatchPolicy;
import dev.kiff.core.dispatch.JobBacklog;
import dev.kiff.core.dispatch.JobDispatcher;
import dev.kiff.core.job.JobValidator;
import dev.kiff.core.job.VmTypeCatalogue;
import dev.kiff.model.json.JobCodec;
import dev.kiff.core.notify.ResultFollower;
import dev.kiff.core.output.LogStore;
import dev.kiff.core.port.JobPublisher;
import dev.kiff.core.port.JobRepository;
import dev.kiff.core.port.ResultPublisher;
import dev.kiff.core.submit.JobCanceller;
import dev.kiff.core.submit.JobSubmitter;
import dev.kiff.core.tenant.ApiKey;
import dev.kiff.core.tenant.QuotaGuard;
import dev.kiff.core.tenant.Quotas;
import dev.kiff.core.tenant.TenantDirectory;
import dev.kiff.core.tenant.TenantProvisioner;
import dev.kiff.core.trust.ProducerKeys;
import dev.kiff.core.webhook.WebhookBackoff;
import dev.kiff.core.webhook.WebhookDispatcher;
import dev.kiff.core.webhook.HostResolver;
import dev.kiff.core.webhook.WebhookRepository;
import dev.kiff.core.webhook.WebhookTargetPolicy;
import dev.kiff.core.webhook.WebhookTargets;
import dev.kiff.persistence.JooqJobBacklog;
import dev.kiff.persistence.JooqJobRepository;
import dev.kiff.spring.BackgroundLoops;
import dev.kiff.spring.TickLoop;
import dev.kiff.spring.KafkaRecordSigner;
import dev.kiff.spring.KafkaRecordVerifier;
import dev.kiff.spring.KafkaResultPublisher;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import javax.net.ssl.SSLContext;
import org.jooq.DSLContext;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration(proxyBeanMethods = false)
public class ApiConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ApiConfiguration.class);

    @Bean
    KafkaJobPublisher jobPublisher(KafkaTemplate<String, byte[]> kafka, KafkaProperties kafkaProperties,
            JobCodec codec, ApiProperties properties, KafkaRecordSigner signer) {
        DefaultKafkaProducerFactory<String, byte[]> transactional = new DefaultKafkaProducerFactory<>(
                jobTransactionProducer(kafkaProperties.buildProducerProperties(), properties.publishTimeout()));
        // Unique per instance: two instances sharing a transactional id would fence each other off.
        transactional.setTransactionIdPrefix("kiff-api-" + UUID.randomUUID() + "-");
        return new KafkaJobPublisher(kafka, transactional, codec, properties.publishTimeout(), signer);
    }

    /** Boot's producer settings, fitted to publishing batches of jobs in one transaction each. */
    static Map<String, Object> jobTransactionProducer(Map<String, Object> producer, Duration publishTimeout) {
        String deliveryTimeout = String.valueOf(publishTimeout.multipliedBy(3).toMillis());
        // A batch of 10,000 jobs is buffered whole before its commit: room for it, and time to hand it over.
        producer.put("buffer.memory", String.valueOf(256L * 1024 * 1024));
        producer.put("max.block.ms", String.valueOf(publishTimeout.toMillis()));
        producer.put("delivery.timeout.ms", deliveryTimeout);
        producer.put("linger.ms", "5");
        // A transaction still open when its records' delivery bound has run out was given up by its publisher, or
        // the publisher died: the broker aborts it then, not after its default minute. Until it is ended, workers
        // (reading committed records only) read nothing past it on its partitions.
        producer.put("transaction.timeout.ms", deliveryTimeout);
        return producer;
    }

    @Bean
    ResultPublisher resultPublisher(KafkaTemplate<String, byte[]> kafka, JobCodec codec, ApiProperties properties) {
        return new KafkaResultPublisher(kafka, codec, properties.publishTimeout());
    }

    @Bean
    ResultWaiters resultWaiters() {
        return new ResultWaiters();
    }

    @Bean
    ResultAwait resultAwait(ResultWaiters waiters, JobSubmitter submitter) {
        return new ResultAwait(waiters, submitter);
    }

    @Bean
    LiveEvents liveEvents() {
        return new LiveEvents();
    }

    @Bean
    ResultsListener resultsListener(ResultWaiters waiters, LiveEvents live, JobCodec codec,
            KafkaRecordVerifier verifier) {
        return new ResultsListener(waiters, live, codec, verifier);
    }

    @Bean
    LiveFeedListener liveFeedListener(LiveEvents live, JobCodec codec, KafkaRecordVerifier verifier) {
        return new LiveFeedListener(live, codec, verifier);
    }

    /**
     * The SSE senders: a thread for each stream that is sending (none queued behind another), kept a while for the
     * next event, never more than the streams this instance may hold, so a client that stops reading blocks only
     * its own stream's thread.
     */
    @Bean(destroyMethod = "shutdownNow")
    ExecutorService streamSenders(ApiProperties properties) {
        // A little above the limit: a released stream's thread may still be returning when a new stream starts.
        return new ThreadPoolExecutor(0, properties.maxStreams() + 16, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                BackgroundLoops.daemonThreads("kiff-sse"));
    }

    @Bean
    OpenStreams openStreams(ExecutorService streamSenders, ApiProperties properties) {
        return new OpenStreams(streamSenders, properties.streamTimeout(), new OpenStreams.StreamLimits(
                properties.maxStreamsPerTenant(), properties.maxStreams(), properties.streamMaxPending(),
                properties.streamSendTimeout()));
    }

    @Bean
    JobEventStream jobEventStream(JobSubmitter submitter, LogStore logs, LiveEvents live, OpenStreams streams) {
        return new JobEventStream(submitter, logs, live, streams);
    }

    @Bean
    TenantEventStream tenantEventStream(JobRepository jobs, LiveEvents live, OpenStreams streams) {
        return new TenantEventStream(jobs, live, streams);
    }

    @Bean
    JobCanceller jobCanceller(JobRepository jobs, ResultPublisher results, KafkaTemplate<String, byte[]> kafka,
            ApiProperties properties, Clock clock, SubmissionMetrics metrics) {
        return new JobCanceller(jobs, results, new KafkaCancellationPublisher(kafka, properties.publishTimeout()),
                clock, metrics);
    }

    @Bean
    QuotaGuard quotaGuard(TenantDirectory tenants, Clock clock, ApiProperties properties) {
        return new QuotaGuard(tenants, clock, properties.quotaRetryAfter());
    }

    @Bean
    JobBacklog jobBacklog(DSLContext db, JobCodec codec, Clock clock) {
        return new JooqJobBacklog(db, new JooqJobRepository(db, codec, clock));
    }

    @Bean
    JobDispatcher jobDispatcher(JobBacklog backlog, JobPublisher publisher, DispatchProperties properties,
            Clock clock) {
        return new JobDispatcher(backlog, publisher, new DispatchPolicy(properties.window(), properties.perTick()),
                clock, properties.claim());
    }

    @Bean
    TickLoop dispatchTicks(JobDispatcher dispatcher, DispatchProperties properties) {
        return new TickLoop("kiff-dispatch", "job dispatch", properties.tick(), dispatcher::tick);
    }

    @Bean
    JobSubmitter jobSubmitter(JobValidator validator, JobRepository jobs, JobDispatcher dispatcher, JobCodec codec,
            QuotaGuard quotas, Clock clock, SubmissionMetrics metrics) {
        return new JobSubmitter(validator, jobs, dispatcher, codec, quotas, clock, metrics);
    }

    @Bean
    BatchSubmitter batchSubmitter(JobValidator validator, BatchRepository batches, JobDispatcher dispatcher,
            QuotaGuard quotas, Clock clock) {
        return new BatchSubmitter(validator, batches, dispatcher, quotas, clock);
    }

    @Bean
    BatchCanceller batchCanceller(BatchSubmitter submitter, BatchRepository batches, JobRepository jobs,
            JobCanceller canceller, ResultPublisher results, Clock clock, SubmissionMetrics metrics) {
        return new BatchCanceller(submitter, batches, jobs, canceller, results, clock, metrics);
    }

    @Bean
    TenantProvisioner tenantProvisioner(TenantDirectory tenants, ProducerKeys producerKeys, Clock clock) {
        return new TenantProvisioner(tenants, producerKeys, clock);
    }

    @Bean
    ApiKeyAuthenticator apiKeyAuthenticator(TenantDirectory tenants, Clock clock, ApiProperties properties) {
        return new ApiKeyAuthenticator(tenants, clock, properties.authCache());
    }

    @Bean
    WebMvcConfigurer tenantResolution(ApiKeyAuthenticator authenticator) {
        return new WebMvcConfigurer() {
            @Override
            public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
                resolvers.add(new TenantArgumentResolver(authenticator));
            }
        };
    }

    /** The development tenant of {@code ./kiff dev}, with the key the operator chose. */
    @Bean
    ApplicationRunner devTenant(TenantProvisioner provisioner, ApiProperties properties) {
        return args -> {
            if (properties.devTenant() != null && !properties.devTenant().isBlank()
                    && properties.devTenantKey() != null && !properties.devTenantKey().isBlank()) {
                provisioner.ensure(properties.devTenant(), new ApiKey(properties.devTenantKey()), Quotas.DEFAULT);
                log.info("development tenant '{}' accepts the configured key", properties.devTenant());
            }
        };
    }

    @Bean
    ResultFollower resultFollower(JobRepository jobs, BatchRepository batches, WebhookRepository webhooks,
            KafkaTemplate<String, byte[]> kafka, JobCodec codec, ApiProperties properties, Clock clock) {
        return new ResultFollower(jobs, batches, webhooks,
                new KafkaBatchEventPublisher(kafka, codec, properties.publishTimeout()), codec, clock);
    }

    @Bean
    ResultFollowerListener resultFollowerListener(ResultFollower follower, JobCodec codec,
            KafkaRecordVerifier verifier) {
        return new ResultFollowerListener(follower, codec, verifier);
    }

    /** Pauses the result follower's container between its tries, on a thread of its own. */
    @Bean(destroyMethod = "shutdown")
    ThreadPoolTaskScheduler resultFollowerPauses() {
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.setThreadNamePrefix("kiff-follower-pause-");
        scheduler.setDaemon(true);
        scheduler.initialize();
        return scheduler;
    }

    /**
     * Boot's listener settings, with an error handler that retries a failed follow-up until it succeeds and
     * dead-letters only what never can (see {@link ResultFollowerListener}).
     */
    @Bean(ResultFollowerListener.CONTAINER_FACTORY)
    ConcurrentKafkaListenerContainerFactory<Object, Object> resultFollowerContainerFactory(
            ConcurrentKafkaListenerContainerFactoryConfigurer configurer, ConsumerFactory<Object, Object> consumers,
            KafkaListenerEndpointRegistry registry, ThreadPoolTaskScheduler resultFollowerPauses,
            KafkaTemplate<String, byte[]> kafka, ApiProperties properties) {
        ConcurrentKafkaListenerContainerFactory<Object, Object> factory = new ConcurrentKafkaListenerContainerFactory<>();
        configurer.configure(factory, consumers);
        factory.setCommonErrorHandler(ResultFollowerListener.errorHandler(
                new KafkaFollowUpDeadLetters(kafka, properties.publishTimeout()),
                ResultFollowerListener.retryPolicy(properties.followerBackoff(), properties.followerMaxBackoff()),
                new ListenerContainerPauseService(registry, resultFollowerPauses)));
        return factory;
    }

    @Bean(destroyMethod = "shutdownNow")
    ExecutorService webhookSenders(WebhookProperties properties) {
        return Executors.newFixedThreadPool(properties.senders(), BackgroundLoops.daemonThreads("kiff-webhook"));
    }

    @Bean
    HostResolver hostResolver() {
        return new InetAddressHostResolver();
    }

    /** Where webhooks may go: public addresses, and whatever {@code KIFF_WEBHOOK_ALLOW} exempts. */
    @Bean
    WebhookTargets webhookTargets(WebhookProperties properties, HostResolver resolver) {
        return new WebhookTargets(WebhookTargetPolicy.allowing(properties.allow()), resolver);
    }

    /** The API's validator also refuses a {@code callbackUrl} the webhooks could not be sent to. */
    @Bean
    JobValidator jobValidator(VmTypeCatalogue catalogue, WebhookTargets targets) {
        return new JobValidator(catalogue, targets);
    }

    @Bean
    SocketWebhookTransport webhookTransport(WebhookTargets targets, WebhookProperties properties)
            throws NoSuchAlgorithmException {
        return new SocketWebhookTransport(targets, properties.connectTimeout(), properties.timeout(),
                properties.deadline(), SSLContext.getDefault().getSocketFactory());
    }

    @Bean
    WebhookDispatcher webhookDispatcher(WebhookRepository deliveries, TenantDirectory tenants,
            ExecutorService webhookSenders, SocketWebhookTransport transport, WebhookProperties properties,
            Clock clock, MeterRegistry meters) {
        return new WebhookDispatcher(new MeteredWebhookRepository(deliveries, meters), tenants, transport,
                new WebhookBackoff(properties.backoffBase(), properties.backoffCap(), properties.maxAttempts()),
                webhookSenders, clock, properties.claim(), properties.senders(), properties.perTenant());
    }

    @Bean
    ApiTicks apiTicks(WebhookDispatcher webhooks, OpenStreams streams, WebhookProperties webhookProperties,
            ApiProperties properties) {
        return new ApiTicks(webhooks, streams, webhookProperties, properties);
    }
}
