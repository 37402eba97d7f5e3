package dev.kiff.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.kiff.model.failure.TransientFailure;
import dev.kiff.core.tenant.InMemoryTenantDirectory;
import dev.kiff.core.tenant.Quotas;
import dev.kiff.core.tenant.Tenant;
import dev.kiff.core.time.MutableClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

class WebhookDispatcherTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final String SECRET = "whsec_acme";
    private static final String URL = "https://hooks.example.com/kiff";
    private static final byte[] PAYLOAD = "{\"type\":\"job.completed\"}".getBytes(StandardCharsets.UTF_8);
    /** Tries are 1 s, 2 s, ... apart (half to all of it), three in all. */
    private static final WebhookBackoff BACKOFF = new WebhookBackoff(Duration.ofSeconds(1), Duration.ofMinutes(1), 3);

    private final MutableClock clock = new MutableClock(NOW);
    private final InMemoryWebhookRepository deliveries = new InMemoryWebhookRepository();
    private final InMemoryTenantDirectory tenants = new InMemoryTenantDirectory()
            .with(new Tenant("acme", Quotas.DEFAULT, SECRET, NOW));
    private final ScriptedTransport transport = new ScriptedTransport();
    private final WebhookDispatcher dispatcher = new WebhookDispatcher(deliveries, tenants, transport, BACKOFF,
            Runnable::run, clock, Duration.ofSeconds(30), 10);

    /** Answers each POST with the next scripted step, and records it. */
    private static final class ScriptedTransport implements WebhookTransport {
        record Post(URI url, Map<String, String> headers, byte[] body) {
        }

        private final Deque<IntSupplier> script = new ArrayDeque<>();
        private final List<Post> posts = new ArrayList<>();

        ScriptedTransport thenAnswer(int... statuses) {
            for (int status : statuses) {
                script.add(() -> status);
            }
            return this;
        }

        ScriptedTransport thenDo(IntSupplier step) {
            script.add(step);
            return this;
        }

        @Override
        public int post(URI url, Map<String, String> headers, byte[] body) {
            posts.add(new Post(url, Map.copyOf(headers), body));
            IntSupplier step = script.poll();
            if (step == null) {
                throw new AssertionError("POST #" + posts.size() + " to " + url + " was not scripted");
            }
            return step.getAsInt();
        }
    }

    private WebhookDelivery queued(String tenant) {
        WebhookDelivery delivery = new WebhookDelivery(UUID.randomUUID(), tenant, WebhookDelivery.JOB_COMPLETED,
                UUID.randomUUID(), null, URL, PAYLOAD, WebhookDelivery.PENDING, NOW, NOW, null, List.of());
        deliveries.enqueue(delivery);
        return delivery;
    }

    @Test
    void deliversOnA2xxWithSignedHeadersAndRecordsTheTry() {
        WebhookDelivery delivery = queued("acme");
        transport.thenDo(() -> {
            clock.advance(Duration.ofMillis(120));
            return 204;
        });

        assertThat(dispatcher.tick()).isEqualTo(1);

        ScriptedTransport.Post post = transport.posts.get(0);
        assertThat(post.url()).isEqualTo(URI.create(URL));
        assertThat(post.body()).isEqualTo(PAYLOAD);
        assertThat(post.headers()).containsEntry("Content-Type", "application/json")
                .containsEntry(WebhookSignature.EVENT_HEADER, "job.completed")
                .containsEntry(WebhookSignature.DELIVERY_HEADER, delivery.id().toString())
                .containsEntry(WebhookSignature.TIMESTAMP_HEADER, String.valueOf(NOW.getEpochSecond()));
        assertThat(post.headers().get(WebhookSignature.SIGNATURE_HEADER))
                .isEqualTo(WebhookSignature.sign(SECRET, NOW.getEpochSecond(), PAYLOAD));
        WebhookDelivery stored = deliveries.get(delivery.id());
        assertThat(stored.status()).isEqualTo(WebhookDelivery.DELIVERED);
        assertThat(stored.deliveredAt()).isEqualTo(NOW);
        assertThat(stored.attempts()).containsExactly(new WebhookAttempt(1, NOW, 204, null, 120));
    }

    @Test
    void triesA500AgainWithinTheBackoffWindow() {
        WebhookDelivery delivery = queued("acme");
        transport.thenAnswer(500, 200);

        dispatcher.tick();

        WebhookDelivery stored = deliveries.get(delivery.id());
        assertThat(stored.status()).isEqualTo(WebhookDelivery.PENDING);
        assertThat(stored.nextAttemptAt()).isBetween(NOW.plusMillis(500), NOW.plusMillis(1000));
        assertThat(stored.attempts()).containsExactly(new WebhookAttempt(1, NOW, 500, null, 0));
        assertThat(dispatcher.tick()).as("not due yet").isZero();

        clock.advance(Duration.ofSeconds(1));
        assertThat(dispatcher.tick()).isEqualTo(1);
        assertThat(deliveries.get(delivery.id()).status()).isEqualTo(WebhookDelivery.DELIVERED);
        assertThat(deliveries.get(delivery.id()).attempts()).extracting(WebhookAttempt::attempt).containsExactly(1, 2);
    }

    @Test
    void triesAgainWhenNoAnswerCameRecordingWhy() {
        WebhookDelivery delivery = queued("acme");
        transport.thenDo(() -> {
            throw new TransientFailure("connection refused");
        });

        dispatcher.tick();

        WebhookDelivery stored = deliveries.get(delivery.id());
        assertThat(stored.status()).isEqualTo(WebhookDelivery.PENDING);
        assertThat(stored.nextAttemptAt()).isBetween(NOW.plusMillis(500), NOW.plusMillis(1000));
        assertThat(stored.attempts()).containsExactly(new WebhookAttempt(1, NOW, null, "connection refused", 0));
    }

    @Test
    void givesUpAsFailedAfterTheLastTry() {
        WebhookDelivery delivery = queued("acme");
        transport.thenAnswer(503, 503, 410);

        for (int i = 0; i < 3; i++) {
            assertThat(dispatcher.tick()).isEqualTo(1);
            clock.advance(Duration.ofMinutes(1));
        }

        WebhookDelivery stored = deliveries.get(delivery.id());
        assertThat(stored.status()).isEqualTo(WebhookDelivery.FAILED);
        assertThat(stored.nextAttemptAt()).isNull();
        assertThat(stored.attempts()).extracting(WebhookAttempt::attempt, WebhookAttempt::statusCode)
                .containsExactly(tuple(1, 503), tuple(2, 503),
                        tuple(3, 410));
        assertThat(dispatcher.tick()).isZero();
    }

    @Test
    void failsAtOnceWhenTheTenantIsUnknown() {
        WebhookDelivery delivery = queued("ghost");

        dispatcher.tick();

        WebhookDelivery stored = deliveries.get(delivery.id());
        assertThat(stored.status()).isEqualTo(WebhookDelivery.FAILED);
        assertThat(stored.attempts()).singleElement().satisfies(attempt -> {
            assertThat(attempt.statusCode()).isNull();
            assertThat(attempt.error()).contains("ghost");
        });
        assertThat(transport.posts).isEmpty();
    }

    @Test
    void leavesTheDeliveriesThatAreNotDueYet() {
        queued("acme");
        WebhookDelivery later = new WebhookDelivery(UUID.randomUUID(), "acme", WebhookDelivery.JOB_COMPLETED,
                UUID.randomUUID(), null, URL, PAYLOAD, WebhookDelivery.PENDING, NOW.plusSeconds(60), NOW, null,
                List.of());
        deliveries.enqueue(later);
        transport.thenAnswer(200);

        assertThat(dispatcher.tick()).isEqualTo(1);

        assertThat(transport.posts).hasSize(1);
        assertThat(deliveries.get(later.id()).attempts()).isEmpty();
        assertThat(deliveries.get(later.id()).status()).isEqualTo(WebhookDelivery.PENDING);
    }

    @Test
    void failsAtOnceWithTheReasonWhenTheTargetIsRefused() {
        WebhookDelivery delivery = queued("acme");
        transport.thenDo(() -> {
            throw new RefusedWebhookTargetException("callbackUrl host hooks.example.com: address 127.0.0.1 is loopback");
        });

        dispatcher.tick();

        WebhookDelivery stored = deliveries.get(delivery.id());
        assertThat(stored.status()).as("no retry asks the same name again").isEqualTo(WebhookDelivery.FAILED);
        assertThat(stored.attempts()).singleElement().satisfies(attempt -> {
            assertThat(attempt.statusCode()).isNull();
            assertThat(attempt.error()).contains("127.0.0.1 is loopback");
        });
    }

    @Test
    void aTenantHoldsAtMostItsShareOfTheSendersAndTheOthersGoOn() {
        tenants.with(new Tenant("slow", Quotas.DEFAULT, "whsec_slow", NOW));
        List<Runnable> sending = new ArrayList<>();
        WebhookDispatcher shared = new WebhookDispatcher(deliveries, tenants, transport, BACKOFF, sending::add, clock,
                Duration.ofSeconds(30), 10, 1);
        WebhookDelivery slow1 = queued("slow");
        WebhookDelivery slow2 = queued("slow");
        WebhookDelivery other = queued("acme");

        assertThat(shared.tick()).as("one of slow's, and acme's").isEqualTo(2);
        assertThat(deliveries.get(slow2.id()).nextAttemptAt()).as("handed back, due").isEqualTo(NOW);
        assertThat(shared.tick()).as("slow still has its one sender").isZero();

        transport.thenAnswer(200, 200, 200);
        sending.forEach(Runnable::run);
        sending.clear();
        assertThat(deliveries.get(slow1.id()).status()).isEqualTo(WebhookDelivery.DELIVERED);
        assertThat(deliveries.get(other.id()).status()).isEqualTo(WebhookDelivery.DELIVERED);

        assertThat(shared.tick()).as("slow's next, now that its sender is free").isEqualTo(1);
        sending.forEach(Runnable::run);
        assertThat(deliveries.get(slow2.id()).status()).isEqualTo(WebhookDelivery.DELIVERED);
    }

    @Test
    void claimsNoMoreThanTheSendersCanStartNow() {
        List<Runnable> sending = new ArrayList<>();
        WebhookDispatcher two = new WebhookDispatcher(deliveries, tenants, transport, BACKOFF, sending::add, clock,
                Duration.ofSeconds(30), 2, 2);
        WebhookDelivery first = queued("acme");
        queued("acme");
        WebhookDelivery third = queued("acme");

        assertThat(two.tick()).isEqualTo(2);
        assertThat(two.tick()).as("both senders busy: nothing claimed to wait in a queue").isZero();
        assertThat(deliveries.get(third.id()).attempts()).isEmpty();

        transport.thenAnswer(200, 200, 200);
        sending.get(0).run();
        assertThat(deliveries.get(first.id()).status()).isEqualTo(WebhookDelivery.DELIVERED);
        assertThat(two.tick()).as("one sender free again").isEqualTo(1);
    }
}
