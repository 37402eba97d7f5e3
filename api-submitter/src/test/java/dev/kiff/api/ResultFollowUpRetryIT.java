package dev.kiff.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kiff.api.ApiClient.Reply;
import dev.kiff.core.topic.Topics;
import dev.kiff.testkit.SharedInfrastructure;
import dev.kiff.testkit.TopicRecorder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * A result follow-up that fails for a while (the database refusing to queue the job's webhook) is tried again until
 * it succeeds, more often than the follower once tried before it dropped the work, and the webhook is then queued
 * and sent exactly once. PostgreSQL itself refuses: a trigger fails the first inserts of the job's delivery. So it
 * does not matter which API instance of the test JVM follows the result up (they share one consumer group). A signed
 * record that is no result can never be followed up: it is dead-lettered with its reason, and the follower goes on.
 */
class ResultFollowUpRetryIT extends ApiIntegrationTest {

    /** More than the five tries after which the follower once gave the work up. */
    private static final int FAILURES = 6;

    @Test
    void queuesTheWebhookExactlyOnceAfterTheFollowUpFailedManyTimes() {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        String refusals = "it_refusals_" + UUID.randomUUID().toString().replace("-", "");
        ApiClient api = new ApiClient(port);
        StandInWorker worker = standInWorker();
        try (WebhookReceiver receiver = WebhookReceiver.answering(200)) {
            Reply reply = api.postJob(JobRequests.python("print('later')").with("callbackUrl", receiver.url()).json());
            assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
            String id = reply.json().path("id").asString();
            // A sequence counts the tries: it is not rolled back with the insert the trigger fails.
            jdbc.execute("CREATE SEQUENCE " + refusals);
            jdbc.execute("CREATE FUNCTION " + refusals + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " IF NEW.job_id = '" + id + "' AND nextval('" + refusals + "') <= " + FAILURES + " THEN"
                    + " RAISE EXCEPTION 'the database refuses the delivery (test)'; END IF; RETURN NEW; END $$");
            jdbc.execute("CREATE TRIGGER " + refusals + " BEFORE INSERT ON webhook_deliveries FOR EACH ROW"
                    + " EXECUTE FUNCTION " + refusals + "()");
            try {
                worker.runToSuccess(id, "later\n");

                await().atMost(Duration.ofSeconds(120)).until(() -> deliveries(api, id).path(0).path("status")
                        .asString().equals("DELIVERED"));
                assertThat(jdbc.queryForObject("SELECT last_value FROM " + refusals, Long.class))
                        .as("every refusal was met by another try, and the last try went through")
                        .isGreaterThan(FAILURES);
                assertThat(deliveries(api, id).size()).isEqualTo(1);
                assertThat(receiver.received()).hasSize(1);
            } finally {
                jdbc.execute("DROP TRIGGER " + refusals + " ON webhook_deliveries");
                jdbc.execute("DROP FUNCTION " + refusals + "()");
                jdbc.execute("DROP SEQUENCE " + refusals);
            }
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
}
