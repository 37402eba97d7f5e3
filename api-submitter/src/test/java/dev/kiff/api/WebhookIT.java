package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.api.ApiClient.Reply;
import dev.kiff.api.webhook.WebhookProperties;
import dev.kiff.model.job.JobStatus;
import dev.kiff.model.job.VmType;
import dev.kiff.core.topic.Topics;
import dev.kiff.core.webhook.WebhookSignature;
import dev.kiff.testkit.SharedInfrastructure;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Job webhooks against the real broker and database, sent to a {@link WebhookReceiver} on the loopback interface: a
 * signed {@code job.completed} once the job ends, tried again after a failure, given up after
 * {@code kiff.webhooks.max-attempts} tries, every try recorded. The retry settings of the test contexts
 * (src/test/resources/application.properties) make the tries follow each other within a second.
 */
class WebhookIT extends ApiIntegrationTest {

    private static final Duration SEEN = Duration.ofSeconds(30);

    private static TopicSize topicSize;

    @Autowired
    WebhookProperties webhookProperties;

    private ApiClient api;
    private StandInWorker worker;

    @BeforeEach
    void setUp() {
        api = new ApiClient(port);
        worker = standInWorker();
        if (topicSize == null) {
            topicSize = new TopicSize(SharedInfrastructure.kafka().bootstrapServers(), Topics.jobs(VmType.CODE_EXEC));
        }
    }

    @AfterAll
    static void close() {
        if (topicSize != null) {
            topicSize.close();
            topicSize = null;
        }
    }

    private String submitWithCallback(String url) {
        Reply reply = api.postJob(JobRequests.python("print('hook')").with("callbackUrl", url).json());
        assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
        return reply.json().path("id").asString();
    }

    private JsonNode deliveries(String id) {
        Reply reply = api.get("/v1/jobs/" + id + "/webhooks");
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.json().path("items");
    }

    @Test
    void deliversASignedJobCompletedWebhookOnTheSecondTryAfterA500() {
        String secret = api.get("/v1/tenant").json().path("webhookSecret").asString();
        try (WebhookReceiver receiver = WebhookReceiver.answering(List.of(500), 200)) {
            String id = submitWithCallback(receiver.url());
            assertThat(deliveries(id).size()).as("nothing to send before the job ends").isZero();

            worker.runToSuccess(id, "hook\n");

            await().atMost(SEEN).until(() -> deliveries(id).path(0).path("status").asString().equals("DELIVERED"));
            JsonNode delivery = deliveries(id).get(0);
            assertThat(deliveries(id).size()).isEqualTo(1);
            assertThat(delivery.path("event").asString()).isEqualTo("job.completed");
            assertThat(delivery.path("url").asString()).isEqualTo(receiver.url());
            assertThat(delivery.path("deliveredAt").isString()).as(delivery.toString()).isTrue();
            JsonNode attempts = delivery.path("attempts");
            assertThat(attempts.size()).as(delivery.toString()).isEqualTo(2);
            assertThat(attempts.get(0).path("attempt").asInt()).isEqualTo(1);
            assertThat(attempts.get(0).path("statusCode").asInt()).isEqualTo(500);
            assertThat(attempts.get(1).path("attempt").asInt()).isEqualTo(2);
            assertThat(attempts.get(1).path("statusCode").asInt()).isEqualTo(200);
            assertThat(attempts.get(1).path("error").isNull()).isTrue();
            assertThat(Instant.parse(attempts.get(1).path("at").asString()))
                    .isAfter(Instant.parse(attempts.get(0).path("at").asString()));

            List<WebhookReceiver.Received> tries = receiver.received();
            assertThat(tries).extracting(WebhookReceiver.Received::answered).containsExactly(500, 200);
            assertThat(tries.get(1).body()).as("the same body on every try").isEqualTo(tries.get(0).body());
            for (WebhookReceiver.Received hook : tries) {
                assertThat(hook.method()).isEqualTo("POST");
                assertThat(hook.header("Content-Type")).startsWith("application/json");
                assertThat(hook.header("Kiff-Event")).isEqualTo("job.completed");
                assertThat(hook.header("Kiff-Delivery")).isEqualTo(delivery.path("id").asString());
                long timestamp = Long.parseLong(hook.header("Kiff-Timestamp"));
                assertThat(Math.abs(Instant.now().getEpochSecond() - timestamp)).isLessThan(300);
                assertThat(hook.header("Kiff-Signature")).as("signed with the tenant's secret")
                        .isEqualTo(WebhookSignature.sign(secret, timestamp, hook.body()))
                        .isNotEqualTo(WebhookSignature.sign("whsec_other", timestamp, hook.body()));
            }
            JsonNode body = tries.get(1).json();
            assertThat(body.propertyNames()).containsExactlyInAnyOrder("id", "type", "createdAt", "data");
            assertThat(body.path("id").asString()).isEqualTo(delivery.path("id").asString());
            assertThat(body.path("type").asString()).isEqualTo("job.completed");
            assertThat(Instant.parse(body.path("createdAt").asString())).isBefore(Instant.now());
            JsonNode data = body.path("data");
            assertThat(data.path("id").asString()).isEqualTo(id);
            assertThat(data.path("status").asString()).isEqualTo("SUCCEEDED");
            assertThat(data.path("stdout").asString()).isEqualTo("hook\n");
            assertThat(data).as("the job's result, as the API answers it").isEqualTo(api.get("/v1/jobs/" + id).json());

            // The result published again (a worker's retried publish) queues no second delivery.
            // Once the follower has handled that record, any second delivery it queued would be listed.
            worker.publishAgain(UUID.fromString(id));
            FollowerProgress.awaitFollowedUp(SharedInfrastructure.kafka().bootstrapServers(), SEEN);
            assertThat(deliveries(id).size()).isEqualTo(1);
            assertThat(deliveries(id).get(0).path("attempts").size()).isEqualTo(2);
            assertThat(receiver.received()).hasSize(2);
        }
    }

    @Test
    void givesADeliveryUpAsFailedAfterMaxAttemptsWhenTheReceiverKeepsFailing() {
        int maxAttempts = webhookProperties.maxAttempts();
        try (WebhookReceiver receiver = WebhookReceiver.answering(500)) {
            String id = submitWithCallback(receiver.url());
            worker.runToSuccess(id, "");

            await().atMost(SEEN).until(() -> deliveries(id).path(0).path("status").asString().equals("FAILED"));
            // Every try is recorded after the receiver answered it, and FAILED is final: the count is complete.
            assertThat(receiver.received()).hasSize(maxAttempts);
            JsonNode delivery = deliveries(id).get(0);
            assertThat(delivery.path("attempts").size()).as(delivery.toString()).isEqualTo(maxAttempts);
            for (int i = 0; i < maxAttempts; i++) {
                assertThat(delivery.path("attempts").get(i).path("attempt").asInt()).isEqualTo(i + 1);
                assertThat(delivery.path("attempts").get(i).path("statusCode").asInt()).isEqualTo(500);
            }
            assertThat(delivery.path("deliveredAt").isNull()).isTrue();
            assertThat(delivery.path("nextAttemptAt").isNull()).as("nothing more to try").isTrue();
        }
    }

    @Test
    void recordsATryThatGotNoAnswerAndGivesUpAfterMaxAttempts() {
        WebhookReceiver gone = WebhookReceiver.answering(200);
        String url = gone.url();
        gone.close(); // nothing listens on that loopback port any more: every connection is refused

        String id = submitWithCallback(url);
        worker.runToSuccess(id, "");

        await().atMost(SEEN).until(() -> deliveries(id).path(0).path("status").asString().equals("FAILED"));
        JsonNode attempts = deliveries(id).get(0).path("attempts");
        assertThat(attempts.size()).isEqualTo(webhookProperties.maxAttempts());
        assertThat(attempts).allSatisfy(attempt -> {
            assertThat(attempt.path("statusCode").isNull()).as(attempt.toString()).isTrue();
            assertThat(attempt.path("error").asString()).as(attempt.toString()).isNotBlank();
        });
    }

    @Test
    void sendsTheWebhookOfACancelledJobToo() {
        try (WebhookReceiver receiver = WebhookReceiver.answering(204)) {
            String id = submitWithCallback(receiver.url());

            assertThat(api.delete("/v1/jobs/" + id).status()).isEqualTo(200);

            await().atMost(SEEN).until(() -> deliveries(id).path(0).path("status").asString().equals("DELIVERED"));
            assertThat(receiver.received()).singleElement().satisfies(hook -> {
                assertThat(hook.json().path("data").path("id").asString()).isEqualTo(id);
                assertThat(hook.json().path("data").path("status").asString()).isEqualTo("CANCELLED");
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ftp://example.com/hook", "http:///no-host", "https://user:secret@example.com/hook",
            "not a url", "javascript:alert(1)"})
    void refusesAnInvalidCallbackUrlNamingItAndStoresAndQueuesNothing(String url) {
        String code = "print('bad callback " + UUID.randomUUID() + "')";
        long recordsBefore = topicSize.records();

        Reply reply = api.postJob(JobRequests.python(code).with("callbackUrl", url).json());

        assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.json().path("field").asString()).as(reply.toString()).isEqualTo("callbackUrl");
        assertThat(new JobRows(dataSource).withCode(code)).isEmpty();
        // Nothing stored, so nothing the dispatcher could publish later; the request's own publish would have been
        // acknowledged before its answer. The topic's size now is final.
        assertThat(topicSize.records()).isEqualTo(recordsBefore);
    }

    @Test
    void failedJobsAreDeliveredWithTheirOutcome() {
        try (WebhookReceiver receiver = WebhookReceiver.answering(200)) {
            String id = submitWithCallback(receiver.url());

            worker.start(id).stderr("Traceback\n").exit(1);

            await().atMost(SEEN).until(() -> !receiver.received().isEmpty());
            JsonNode data = receiver.received().get(0).json().path("data");
            assertThat(data.path("status").asString()).isEqualTo("FAILED");
            assertThat(data.path("exitCode").asInt()).isEqualTo(1);
            assertThat(data.path("stderr").asString()).isEqualTo("Traceback\n");
        }
    }

    @Test
    void aNameThatRebindsToARefusedAddressAfterSubmissionFailsItsDeliveryWithoutConnecting() throws Exception {
        // Submission resolves the name to 127.0.0.1 (allowed in the tests); by delivery it answers 127.0.0.2, where
        // a listener waits that must never see the connection.
        try (TricklingReceiver inside = TricklingReceiver.silentOn(InetAddress.getByName("127.0.0.2"))) {
            String host = "rebinding-" + UUID.randomUUID() + ".kiff.test";
            ScriptedHostResolver.rebind(host, InetAddress.getByName("127.0.0.1"), InetAddress.getByName("127.0.0.2"));
            String id = submitWithCallback("http://" + host + ":" + inside.port() + "/internal");

            worker.runToSuccess(id, "");

            await().atMost(SEEN).until(() -> deliveries(id).path(0).path("status").asString().equals("FAILED"));
            JsonNode attempts = deliveries(id).get(0).path("attempts");
            assertThat(attempts.size()).as("refused, not tried again").isEqualTo(1);
            assertThat(attempts.get(0).path("statusCode").isNull()).isTrue();
            assertThat(attempts.get(0).path("error").asString()).contains(host)
                    .contains("127.0.0.2 is loopback and not on the webhook allow list");
            assertThat(inside.accepted()).as("no connection made").isZero();
        }
    }

    @Test
    void aTricklingReceiverHoldsOnlyItsTenantsShareOfTheSendersWhileAnotherTenantsWebhookArrives() {
        TestTenants.Made slow = TestTenants.create(port, "trickle");
        ApiClient slowApi = slow.client(port);
        try (TricklingReceiver trickler = TricklingReceiver.trickling();
                WebhookReceiver healthy = WebhookReceiver.answering(200)) {
            List<String> slowJobs = new ArrayList<>();
            for (int i = 0; i < webhookProperties.senders(); i++) {
                Reply reply = slowApi.postJob(JobRequests.python("print('slow')").with("callbackUrl", trickler.url())
                        .json());
                assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
                slowJobs.add(reply.json().path("id").asString());
            }
            // As many slow deliveries as there are senders, all due: without a share per tenant they take them all.
            slowJobs.forEach(id -> worker.runToSuccess(id, ""));
            await().atMost(SEEN).until(() -> slowJobs.stream().allMatch(id ->
                    slowApi.get("/v1/jobs/" + id + "/webhooks").json().path("items").size() == 1));
            await().atMost(SEEN).until(() -> trickler.accepted() >= webhookProperties.perTenant());

            String id = submitWithCallback(healthy.url());
            worker.runToSuccess(id, "");

            await().atMost(SEEN).until(() -> healthy.received().size() == 1);
            // Ordering, not timing: the healthy webhook got through while every slow try was still stuck (a try is
            // recorded when it ends, and none has), and the slow tenant held no more than its share.
            assertThat(slowJobs).allSatisfy(slowId -> assertThat(slowApi.get("/v1/jobs/" + slowId + "/webhooks")
                    .json().path("items").path(0).path("attempts").size()).as(slowId).isZero());
            assertThat(trickler.accepted()).isLessThanOrEqualTo(webhookProperties.perTenant());
            await().atMost(SEEN).until(() -> deliveries(id).path(0).path("status").asString().equals("DELIVERED"));
        }
    }

    @Test
    void aTryWhoseAnswerTricklesIsCutOffAtTheDeadlineAndRecordedAsFailed() {
        try (TricklingReceiver trickler = TricklingReceiver.trickling()) {
            String id = submitWithCallback(trickler.url());
            worker.runToSuccess(id, "");

            // Each read gets a byte well within the read timeout: only the bound on the whole try ends it.
            await().atMost(SEEN.plus(webhookProperties.deadline()))
                    .until(() -> deliveries(id).path(0).path("attempts").size() >= 1);
            JsonNode attempt = deliveries(id).get(0).path("attempts").get(0);
            assertThat(attempt.path("statusCode").isNull()).as(attempt.toString()).isTrue();
            assertThat(attempt.path("error").asString()).contains("deadline");
        }
    }
}
