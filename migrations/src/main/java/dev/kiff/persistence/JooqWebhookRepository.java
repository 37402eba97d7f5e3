package dev.kiff.persistence;

import static dev.kiff.persistence.jooq.Tables.WEBHOOK_ATTEMPTS;
import static dev.kiff.persistence.jooq.Tables.WEBHOOK_DELIVERIES;

import dev.kiff.core.webhook.WebhookAttempt;
import dev.kiff.core.webhook.WebhookDelivery;
import dev.kiff.core.webhook.WebhookRepository;
import dev.kiff.persistence.jooq.tables.records.WebhookDeliveriesRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jooq.Condition;
import org.jooq.DSLContext;

/**
 * The {@link WebhookRepository} on PostgreSQL. Deliveries are claimed with {@code FOR UPDATE SKIP LOCKED} and a
 * claim time, so several API instances send each delivery once, and one that dies mid-send leaves it to the others.
 */
public final class JooqWebhookRepository implements WebhookRepository {

    private final DSLContext db;

    public JooqWebhookRepository(DSLContext db) {
        this.db = db;
    }

    @Override
    public boolean enqueue(WebhookDelivery d) {
        return db.insertInto(WEBHOOK_DELIVERIES)
                .set(WEBHOOK_DELIVERIES.ID, d.id())
                .set(WEBHOOK_DELIVERIES.TENANT, d.tenant())
                .set(WEBHOOK_DELIVERIES.EVENT, d.event())
                .set(WEBHOOK_DELIVERIES.JOB_ID, d.jobId())
                .set(WEBHOOK_DELIVERIES.BATCH_ID, d.batchId())
                .set(WEBHOOK_DELIVERIES.URL, d.url())
                .set(WEBHOOK_DELIVERIES.PAYLOAD, d.payload())
                .set(WEBHOOK_DELIVERIES.STATUS, d.status())
                .set(WEBHOOK_DELIVERIES.NEXT_ATTEMPT_AT, d.nextAttemptAt())
                .set(WEBHOOK_DELIVERIES.CREATED_AT, d.createdAt())
                .onConflictDoNothing()
                .execute() == 1;
    }

    @Override
    public List<WebhookDelivery> claimDue(Instant now, Instant claimUntil, int limit, Set<String> skipTenants) {
        return db.transactionResult(tx -> {
            Condition due0 = WEBHOOK_DELIVERIES.STATUS.eq(WebhookDelivery.PENDING)
                    .and(WEBHOOK_DELIVERIES.NEXT_ATTEMPT_AT.le(now));
            if (!skipTenants.isEmpty()) {
                due0 = due0.and(WEBHOOK_DELIVERIES.TENANT.notIn(skipTenants));
            }
            List<WebhookDeliveriesRecord> due = tx.dsl().selectFrom(WEBHOOK_DELIVERIES)
                    .where(due0)
                    .orderBy(WEBHOOK_DELIVERIES.NEXT_ATTEMPT_AT)
                    .limit(limit)
                    .forUpdate().skipLocked()
                    .fetch();
            if (due.isEmpty()) {
                return List.of();
            }
            List<UUID> ids = due.stream().map(WebhookDeliveriesRecord::getId).toList();
            tx.dsl().update(WEBHOOK_DELIVERIES).set(WEBHOOK_DELIVERIES.NEXT_ATTEMPT_AT, claimUntil)
                    .where(WEBHOOK_DELIVERIES.ID.in(ids)).execute();
            return withAttempts(tx.dsl(), due);
        });
    }

    @Override
    public void release(UUID deliveryId, Instant dueAt) {
        db.update(WEBHOOK_DELIVERIES).set(WEBHOOK_DELIVERIES.NEXT_ATTEMPT_AT, dueAt)
                .where(WEBHOOK_DELIVERIES.ID.eq(deliveryId).and(WEBHOOK_DELIVERIES.STATUS.eq(WebhookDelivery.PENDING)))
                .execute();
    }

    @Override
    public void recordAttempt(UUID deliveryId, WebhookAttempt attempt, String status, Instant nextAttemptAt) {
        db.transaction(tx -> {
            tx.dsl().insertInto(WEBHOOK_ATTEMPTS)
                    .set(WEBHOOK_ATTEMPTS.DELIVERY_ID, deliveryId)
                    .set(WEBHOOK_ATTEMPTS.ATTEMPT, attempt.attempt())
                    .set(WEBHOOK_ATTEMPTS.AT, attempt.at())
                    .set(WEBHOOK_ATTEMPTS.STATUS_CODE, attempt.statusCode())
                    .set(WEBHOOK_ATTEMPTS.ERROR, attempt.error())
                    .set(WEBHOOK_ATTEMPTS.DURATION_MS, attempt.durationMs())
                    .onConflictDoNothing()
                    .execute();
            var update = tx.dsl().update(WEBHOOK_DELIVERIES)
                    .set(WEBHOOK_DELIVERIES.STATUS, status)
                    .set(WEBHOOK_DELIVERIES.ATTEMPTS, attempt.attempt());
            if (nextAttemptAt != null) {
                update = update.set(WEBHOOK_DELIVERIES.NEXT_ATTEMPT_AT, nextAttemptAt);
            }
            if (WebhookDelivery.DELIVERED.equals(status)) {
                update = update.set(WEBHOOK_DELIVERIES.DELIVERED_AT, attempt.at());
            }
            update.where(WEBHOOK_DELIVERIES.ID.eq(deliveryId)).execute();
        });
    }

    @Override
    public List<WebhookDelivery> forJob(UUID jobId) {
        return list(WEBHOOK_DELIVERIES.JOB_ID.eq(jobId));
    }

    @Override
    public List<WebhookDelivery> forBatch(UUID batchId) {
        return list(WEBHOOK_DELIVERIES.BATCH_ID.eq(batchId).and(WEBHOOK_DELIVERIES.JOB_ID.isNull()));
    }

    private List<WebhookDelivery> list(Condition where) {
        return withAttempts(db, db.selectFrom(WEBHOOK_DELIVERIES).where(where)
                .orderBy(WEBHOOK_DELIVERIES.CREATED_AT).fetch());
    }

    private static List<WebhookDelivery> withAttempts(DSLContext tx, List<WebhookDeliveriesRecord> rows) {
        Map<UUID, List<WebhookAttempt>> attempts = tx.selectFrom(WEBHOOK_ATTEMPTS)
                .where(WEBHOOK_ATTEMPTS.DELIVERY_ID.in(rows.stream().map(WebhookDeliveriesRecord::getId).toList()))
                .orderBy(WEBHOOK_ATTEMPTS.ATTEMPT)
                .fetch()
                .stream()
                .collect(Collectors.groupingBy(a -> a.getDeliveryId(), Collectors.mapping(a -> new WebhookAttempt(
                        a.getAttempt(), a.getAt(), a.getStatusCode(), a.getError(), a.getDurationMs()),
                        Collectors.toList())));
        return rows.stream().map(r -> new WebhookDelivery(r.getId(), r.getTenant(), r.getEvent(), r.getJobId(),
                r.getBatchId(), r.getUrl(), r.getPayload(), r.getStatus(), r.getNextAttemptAt(), r.getCreatedAt(),
                r.getDeliveredAt(), attempts.getOrDefault(r.getId(), List.of()))).toList();
    }
}
