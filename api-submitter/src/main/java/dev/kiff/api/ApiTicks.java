package dev.kiff.api;

import dev.kiff.api.events.OpenStreams;
import dev.kiff.api.webhook.WebhookProperties;
import dev.kiff.core.webhook.WebhookDispatcher;
import dev.kiff.spring.BackgroundLoops;
import org.springframework.context.SmartLifecycle;

/** The API's background loops: sending due webhooks, keeping SSE streams alive. Each logs and keeps running. */
public class ApiTicks implements SmartLifecycle {

    private final WebhookDispatcher webhooks;
    private final OpenStreams streams;
    private final WebhookProperties webhookProperties;
    private final ApiProperties properties;
    private BackgroundLoops loops;

    public ApiTicks(WebhookDispatcher webhooks, OpenStreams streams, WebhookProperties webhookProperties,
            ApiProperties properties) {
        this.webhooks = webhooks;
        this.streams = streams;
        this.webhookProperties = webhookProperties;
        this.properties = properties;
    }

    @Override
    public void start() {
        loops = new BackgroundLoops("kiff-api-tick", 2);
        loops.every("webhook dispatch", webhookProperties.tick(), webhookProperties.tick(), webhooks::tick);
        loops.every("stream keep-alive", properties.keepAlive(), properties.keepAlive(), streams::keepAlive);
    }

    @Override
    public void stop() {
        loops.close();
        // Clients reconnect with Last-Event-ID, to another instance or to this one once it is back.
        streams.closeAll();
    }

    @Override
    public boolean isRunning() {
        return loops != null && loops.isRunning();
    }
}
