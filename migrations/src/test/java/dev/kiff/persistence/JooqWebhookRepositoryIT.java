package dev.kiff.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiff.core.webhook.WebhookAttempt;
import dev.kiff.core.webhook.WebhookDelivery;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The jOOQ webhook repository on a real PostgreSQL migrated by the real Flyway scripts. Claims take every due delivery
 * of the shared database, so each test looks only at the deliveries it enqueued itself.
 */
class JooqWebhookRepositoryIT {

    private static final Instant NOW = Instant.parse("2030-01-02T03:05:00.654321Z");
    private static final Instant CREATED_AT = NOW.minusSeconds(60);
    private static final int ALL = 1000;

    private static Connection connection;
    private static JooqWebhookRepository webhooks;

    @BeforeAll
    static void migrateAndConnect() throws SQLException {
        connection = Database.connect();
        webhooks = new JooqWebhookRepository(Database.using(connection));
    }

    @AfterAll
    static void disconnect() throws SQLException {
        if (connection != null) {
            connection.close();
        }
    }

    @Test
    void enqueuesOneDeliveryPerJobEvent() {
        UUID job = UUID.randomUUID();
        WebhookDelivery first = delivery(WebhookDelivery.JOB_COMPLETED, job, null, NOW, "{\"first\":true}");
        WebhookDelivery redelivered = delivery(WebhookDelivery.JOB_COMPLETED, job, null, NOW, "{\"first\":false}");

        assertThat(webhooks.enqueue(first)).isTrue();
        assertThat(webhooks.enqueue(redelivered)).isFalse();

        assertThat(webhooks.forJob(job)).singleElement().satisfies(stored -> {
            assertThat(stored.id()).isEqualTo(first.id());
            assertThat(stored.tenant()).isEqualTo(first.tenant());
            assertThat(stored.event()).isEqualTo(WebhookDelivery.JOB_COMPLETED);
            assertThat(stored.jobId()).isEqualTo(job);
            assertThat(stored.batchId()).isNull();
            assertThat(stored.url()).isEqualTo(first.url());
            assertThat(stored.payload()).isEqualTo(first.payload());
            assertThat(stored.status()).isEqualTo(WebhookDelivery.PENDING);
            assertThat(stored.nextAttemptAt()).isEqualTo(NOW);
            assertThat(stored.createdAt()).isEqualTo(CREATED_AT);
            assertThat(stored.deliveredAt()).isNull();
            assertThat(stored.attempts()).isEmpty();
        });
        assertThat(webhooks.forJob(UUID.randomUUID())).isEmpty();
    }

    @Test
    void enqueuesOneBatchCompletionPerBatchBesideItsJobsEvents() {
        UUID batch = UUID.randomUUID();
        UUID job = UUID.randomUUID();
        WebhookDelivery completed = delivery(WebhookDelivery.BATCH_COMPLETED, null, batch, NOW, "{}");
        WebhookDelivery jobOfTheBatch = delivery(WebhookDelivery.JOB_COMPLETED, job, batch, NOW, "{}");

        assertThat(webhooks.enqueue(completed)).isTrue();
        assertThat(webhooks.enqueue(jobOfTheBatch)).isTrue();
        assertThat(webhooks.enqueue(delivery(WebhookDelivery.BATCH_COMPLETED, null, batch, NOW, "{}"))).isFalse();
        assertThat(webhooks.enqueue(delivery(WebhookDelivery.BATCH_COMPLETED, null, UUID.randomUUID(), NOW, "{}")))
                .as("another batch").isTrue();

        assertThat(webhooks.forBatch(batch)).extracting(WebhookDelivery::id).containsExactly(completed.id());
        assertThat(webhooks.forJob(job)).extracting(WebhookDelivery::id).containsExactly(jobOfTheBatch.id());
    }

    @Test
    void claimsOnlyDuePendingDeliveriesUntilTheClaimRunsOut() {
        WebhookDelivery overdue = enqueued(NOW.minusSeconds(1));
        WebhookDelivery dueNow = enqueued(NOW);
        WebhookDelivery later = enqueued(NOW.plusSeconds(1));
        WebhookDelivery delivered = enqueued(NOW.minusSeconds(5));
        webhooks.recordAttempt(delivered.id(), new WebhookAttempt(1, NOW.minusSeconds(4), 204, null, 10),
                WebhookDelivery.DELIVERED, null);
        WebhookDelivery failed = enqueued(NOW.minusSeconds(5));
        webhooks.recordAttempt(failed.id(), new WebhookAttempt(1, NOW.minusSeconds(4), 410, null, 10),
                WebhookDelivery.FAILED, null);
        List<UUID> mine = ids(List.of(overdue, dueNow, later, delivered, failed));
        Instant claimUntil = NOW.plusSeconds(30);

        assertThat(claimed(webhooks.claimDue(NOW, claimUntil, ALL), mine))
                .containsExactlyInAnyOrder(overdue.id(), dueNow.id());
        assertThat(stored(overdue).nextAttemptAt()).isEqualTo(claimUntil);
        assertThat(stored(dueNow).nextAttemptAt()).isEqualTo(claimUntil);
        assertThat(stored(later).nextAttemptAt()).isEqualTo(later.nextAttemptAt());

        assertThat(claimed(webhooks.claimDue(NOW, claimUntil, ALL), mine)).as("claimed already").isEmpty();
        assertThat(claimed(webhooks.claimDue(claimUntil, claimUntil.plusSeconds(30), ALL), mine))
                .as("the claim ran out: their sender died").containsExactlyInAnyOrder(overdue.id(), dueNow.id(),
                        later.id());
    }

    @Test
    void claimsAtMostTheLimitEarliestFirst() {
        Instant longAgo = Instant.parse("2001-01-01T00:00:00Z"); // earlier than every other delivery of the database
        WebhookDelivery second = enqueued(longAgo.plusSeconds(2));
        WebhookDelivery first = enqueued(longAgo.plusSeconds(1));
        WebhookDelivery third = enqueued(longAgo.plusSeconds(3));

        assertThat(webhooks.claimDue(longAgo.plusSeconds(3), longAgo.plusSeconds(60), 2))
                .extracting(WebhookDelivery::id).containsExactly(first.id(), second.id());
        assertThat(webhooks.claimDue(longAgo.plusSeconds(3), longAgo.plusSeconds(60), 2))
                .extracting(WebhookDelivery::id).containsExactly(third.id());
    }

    @Test
    void claimsEachDueDeliveryOnceAcrossConcurrentClaims() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (Connection one = Database.connect(); Connection other = Database.connect()) {
            List<JooqWebhookRepository> claimers = List.of(new JooqWebhookRepository(Database.using(one)),
                    new JooqWebhookRepository(Database.using(other)));
            for (int round = 0; round < 20; round++) {
                List<UUID> due = new ArrayList<>();
                for (int i = 0; i < 25; i++) {
                    due.add(enqueued(NOW.minusMillis(i)).id());
                }
                CountDownLatch ready = new CountDownLatch(claimers.size());
                CountDownLatch go = new CountDownLatch(1);
                List<Future<List<WebhookDelivery>>> claims = new ArrayList<>();
                for (JooqWebhookRepository claimer : claimers) {
                    Callable<List<WebhookDelivery>> claim = () -> {
                        ready.countDown();
                        go.await();
                        return claimer.claimDue(NOW, NOW.plusSeconds(3600), ALL);
                    };
                    claims.add(threads.submit(claim));
                }
                assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();
                go.countDown();

                List<UUID> claimed = new ArrayList<>();
                for (Future<List<WebhookDelivery>> each : claims) {
                    claimed.addAll(claimed(each.get(30, TimeUnit.SECONDS), due));
                }
                assertThat(claimed).as("round %d", round).doesNotHaveDuplicates()
                        .containsExactlyInAnyOrderElementsOf(due);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void recordsEveryTryAndWhereTheDeliveryStandsAfterIt() {
        WebhookDelivery delivery = enqueued(NOW);
        Instant firstTry = NOW.plusSeconds(1);
        WebhookAttempt refused = new WebhookAttempt(1, firstTry, 503, null, 120);

        webhooks.recordAttempt(delivery.id(), refused, WebhookDelivery.PENDING, firstTry.plusSeconds(10));

        WebhookDelivery retrying = stored(delivery);
        assertThat(retrying.status()).isEqualTo(WebhookDelivery.PENDING);
        assertThat(retrying.nextAttemptAt()).isEqualTo(firstTry.plusSeconds(10));
        assertThat(retrying.deliveredAt()).isNull();
        assertThat(retrying.attempts()).containsExactly(refused);
        assertThat(claimed(webhooks.claimDue(firstTry.plusSeconds(9), firstTry.plusSeconds(60), ALL),
                List.of(delivery.id()))).as("not due yet").isEmpty();
        assertThat(webhooks.claimDue(firstTry.plusSeconds(10), firstTry.plusSeconds(60), ALL))
                .filteredOn(d -> d.id().equals(delivery.id()))
                .singleElement().satisfies(claimed -> assertThat(claimed.attempts()).containsExactly(refused));

        Instant secondTry = firstTry.plusSeconds(11);
        WebhookAttempt unreachable = new WebhookAttempt(2, secondTry, null, "connection refused", 3);
        webhooks.recordAttempt(delivery.id(), unreachable, WebhookDelivery.PENDING, secondTry.plusSeconds(60));
        Instant thirdTry = secondTry.plusSeconds(60);
        WebhookAttempt accepted = new WebhookAttempt(3, thirdTry, 200, null, 42);
        webhooks.recordAttempt(delivery.id(), accepted, WebhookDelivery.DELIVERED, null);

        WebhookDelivery done = stored(delivery);
        assertThat(done.status()).isEqualTo(WebhookDelivery.DELIVERED);
        assertThat(done.deliveredAt()).isEqualTo(thirdTry);
        assertThat(done.attempts()).containsExactly(refused, unreachable, accepted);
        assertThat(claimed(webhooks.claimDue(thirdTry.plusSeconds(3600), thirdTry.plusSeconds(7200), ALL),
                List.of(delivery.id()))).as("delivered").isEmpty();
    }

    @Test
    void recordsABatchDeliveryThatRanOutOfTriesAsFailed() {
        UUID batch = UUID.randomUUID();
        WebhookDelivery delivery = delivery(WebhookDelivery.BATCH_COMPLETED, null, batch, NOW, "{}");
        assertThat(webhooks.enqueue(delivery)).isTrue();
        WebhookAttempt last = new WebhookAttempt(1, NOW.plusSeconds(1), 500, null, 80);

        webhooks.recordAttempt(delivery.id(), last, WebhookDelivery.FAILED, null);

        assertThat(webhooks.forBatch(batch)).singleElement().satisfies(failed -> {
            assertThat(failed.status()).isEqualTo(WebhookDelivery.FAILED);
            assertThat(failed.deliveredAt()).isNull();
            assertThat(failed.attempts()).containsExactly(last);
        });
        assertThat(claimed(webhooks.claimDue(NOW.plusSeconds(3600), NOW.plusSeconds(7200), ALL),
                List.of(delivery.id()))).as("failed for good").isEmpty();
    }

    private static WebhookDelivery delivery(String event, UUID job, UUID batch, Instant nextAttemptAt,
            String payload) {
        return new WebhookDelivery(UUID.randomUUID(), Jobs.freshTenant(), event, job, batch,
                "https://hooks.example/kiff?tenant=ü", payload.getBytes(StandardCharsets.UTF_8),
                WebhookDelivery.PENDING, nextAttemptAt, CREATED_AT, null, List.of());
    }

    /** A stored PENDING delivery of a job's end, due at {@code nextAttemptAt}. */
    private static WebhookDelivery enqueued(Instant nextAttemptAt) {
        WebhookDelivery delivery = delivery(WebhookDelivery.JOB_COMPLETED, UUID.randomUUID(), null, nextAttemptAt,
                "{\"status\":\"SUCCEEDED\"}");
        assertThat(webhooks.enqueue(delivery)).isTrue();
        return delivery;
    }

    private static WebhookDelivery stored(WebhookDelivery delivery) {
        List<WebhookDelivery> stored = webhooks.forJob(delivery.jobId());
        assertThat(stored).hasSize(1);
        return stored.get(0);
    }

    private static List<UUID> ids(List<WebhookDelivery> deliveries) {
        return deliveries.stream().map(WebhookDelivery::id).toList();
    }

    /** The ids among {@code claimed} that are of {@code mine}: other tests' deliveries are claimed too. */
    private static List<UUID> claimed(List<WebhookDelivery> claimed, Collection<UUID> mine) {
        return claimed.stream().map(WebhookDelivery::id).filter(mine::contains).toList();
    }
}
