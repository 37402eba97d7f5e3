package dev.kiff.api;

import dev.kiff.api.events.OpenStreams;
import dev.kiff.api.webhook.WebhookProperties;
import dev.kiff.core.webhook.WebhookDispatcher;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/** The API's background loops: sending due webhooks, keeping SSE streams alive. Each logs and keeps running. */
public class ApiTicks implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ApiTicks.class);

    private final WebhookDispatcher webhooks;
    private final OpenStreams streams;
    private final WebhookProperties webhookProperties;
    private final ApiProperties properties;
    private ScheduledExecutorService loops;

    public ApiTicks(WebhookDispatcher webhooks, OpenStreams streams, WebhookProperties webhookProperties,
            ApiProperties properties) {
        this.webhooks = webhooks;
        this.streams = streams;
        this.webhookProperties = webhookProperties;
        this.properties = properties;
    }

    @Override
    public void start() {
        loops = Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "kiff-api-tick");
            thread.setDaemon(true);
            return thread;
        });
        long tick = webhookProperties.tick().toMillis();
        loops.scheduleWithFixedDelay(() -> guarded("webhook dispatch", webhooks::tick), tick, tick,
                TimeUnit.MILLISECONDS);
        long alive = properties.keepAlive().toMillis();
        loops.scheduleWithFixedDelay(() -> guarded("stream keep-alive", streams::keepAlive), alive, alive,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        loops.shutdownNow();
        // Clients reconnect with Last-Event-ID, to another instance or to this one once it is back.
        streams.closeAll();
    }

    @Override
    public boolean isRunning() {
        return loops != null && !loops.isShutdown();
    }

    private static void guarded(String what, Runnable loop) {
        try {
            loop.run();
        } catch (RuntimeException e) {
            log.error("{} failed, going on: {}", what, e.toString());
        }
    }
}
