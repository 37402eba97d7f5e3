package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.api.ApiClient.Reply;
import dev.kiff.core.failure.TransientFailure;
import dev.kiff.core.topic.Topics;
import dev.kiff.core.webhook.WebhookAttempt;
import dev.kiff.core.webhook.WebhookDelivery;
import dev.kiff.core.webhook.WebhookRepository;
import dev.kiff.testkit.SharedInfrastructure;
import dev.kiff.testkit.TopicRecorder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A result follow-up that fails for a while (the database away while the follower queues the job's webhook) is
 * tried again until it succeeds, more often than the follower once tried before it dropped the work, and the
 * webhook is then queued and sent exactly once. The failures come from a stand-in for the webhook store that
 * refuses a given job's deliveries a number of times and otherwise writes to the real database. A signed record
 * that is no result can never be followed up: it is dead-lettered with its reason, and the follower goes on.
 */
@Import(ResultFollowUpRetryIT.FailingWebhookStore.class)
@TestPropertySource(properties = {"kiff.api.follower-backoff=50ms", "kiff.api.follower-max-backoff=400ms"})
class ResultFollowUpRetryIT extends ApiIntegrationTest {

    private static final int FAILURES = 8;
    private static final Map<UUID, AtomicInteger> FAILURES_LEFT = new ConcurrentHashMap<>();

    @Test
    void queuesTheWebhookExactlyOnceAfterTheFollowUpFailedManyTimes() {
        ApiClient api = new ApiClient(port);
        StandInWorker worker = standInWorker();
        try (WebhookReceiver receiver = WebhookReceiver.answering(200)) {
            Reply reply = api.postJob(JobRequests.python("print('later')").with("callbackUrl", receiver.url()).json());
            assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
            String id = reply.json().path("id").asString();
            AtomicInteger left = new AtomicInteger(FAILURES);
            FAILURES_LEFT.put(UUID.fromString(id), left);

            worker.runToSuccess(id, "later\n");

            await().atMost(Duration.ofSeconds(60)).until(() -> deliveries(api, id).path(0).path("status")
                    .asString().equals("DELIVERED"));
            assertThat(left.get()).as("every refusal was met by another try").isZero();
            assertThat(deliveries(api, id).size()).isEqualTo(1);
            assertThat(receiver.received()).hasSize(1);
        }
    }

    @Test
    void deadLettersASignedResultThatIsNoResultWithItsReasonAndFollowsUpTheNextOnes() {
        String key = UUID.randomUUID().toString();
        // Signed with the platform key by the app's own template: believed, but no job result.
        kafka.send(Topics.RESULTS, key, "{not a result".getBytes(StandardCharsets.UTF_8)).join();

        try (TopicRecorder deadLetters = new TopicRecorder(SharedInfrastructure.kafka().bootstrapServers(),
                Topics.DEAD_LETTERS)) {
            ConsumerRecord<String, byte[]> dead = await().atMost(Duration.ofSeconds(30))
                    .until(() -> deadLetters.recordsWithKey(key), found -> !found.isEmpty()).get(0);
            String reason = new String(dead.headers().lastHeader(Topics.REASON_HEADER).value(),
                    StandardCharsets.UTF_8);
            assertThat(reason).startsWith("result follow-up impossible");
            assertThat(new String(dead.headers().lastHeader("kiff-original-topic").value(), StandardCharsets.UTF_8))
                    .isEqualTo(Topics.RESULTS);
        }

        ApiClient api = new ApiClient(port);
        try (WebhookReceiver receiver = WebhookReceiver.answering(200)) {
            Reply reply = api.postJob(JobRequests.python("print('next')").with("callbackUrl", receiver.url()).json());
            String id = reply.json().path("id").asString();
            standInWorker().runToSuccess(id, "next\n");
            await().atMost(Duration.ofSeconds(60)).until(() -> deliveries(api, id).path(0).path("status")
                    .asString().equals("DELIVERED"));
        }
    }

    private static JsonNode deliveries(ApiClient api, String id) {
        Reply reply = api.get("/v1/jobs/" + id + "/webhooks");
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.json().path("items");
    }

    /** Puts the stand-in in front of the real webhook store of this test's context. */
    @TestConfiguration(proxyBeanMethods = false)
    static class FailingWebhookStore {

        @Bean
        static BeanPostProcessor failingWebhookStore() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    return bean instanceof WebhookRepository real ? new Refusing(real) : bean;
                }
            };
        }
    }

    /** Refuses a job's delivery as long as that job has refusals left, as a store whose database is away would. */
    private record Refusing(WebhookRepository real) implements WebhookRepository {

        @Override
        public boolean enqueue(WebhookDelivery delivery) {
            AtomicInteger left = delivery.jobId() == null ? null : FAILURES_LEFT.get(delivery.jobId());
            if (left != null && left.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new TransientFailure("the database is away (test)");
            }
            return real.enqueue(delivery);
        }

        @Override
        public List<WebhookDelivery> claimDue(Instant now, Instant claimUntil, int limit, Set<String> skipTenants) {
            return real.claimDue(now, claimUntil, limit, skipTenants);
        }

        @Override
        public void release(UUID deliveryId, Instant dueAt) {
            real.release(deliveryId, dueAt);
        }

        @Override
        public void recordAttempt(UUID deliveryId, WebhookAttempt attempt, String status, Instant nextAttemptAt) {
            real.recordAttempt(deliveryId, attempt, status, nextAttemptAt);
        }

        @Override
        public List<WebhookDelivery> forJob(UUID jobId) {
            return real.forJob(jobId);
        }

        @Override
        public List<WebhookDelivery> forBatch(UUID batchId) {
            return real.forBatch(batchId);
        }
    }
}
