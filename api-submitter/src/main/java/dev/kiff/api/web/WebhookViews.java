package dev.kiff.api.web;

import dev.kiff.core.webhook.WebhookDelivery;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How webhook deliveries read in the API: everything but the body, which the receiver got (or will get). */
final class WebhookViews {

    private WebhookViews() {
    }

    static List<Map<String, Object>> of(List<WebhookDelivery> deliveries) {
        return deliveries.stream().map(d -> {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("id", d.id());
            view.put("event", d.event());
            view.put("url", d.url());
            view.put("status", d.status());
            view.put("attempts", d.attempts());
            view.put("createdAt", d.createdAt());
            view.put("deliveredAt", d.deliveredAt());
            view.put("nextAttemptAt", WebhookDelivery.PENDING.equals(d.status()) ? d.nextAttemptAt() : null);
            return view;
        }).toList();
    }
}
