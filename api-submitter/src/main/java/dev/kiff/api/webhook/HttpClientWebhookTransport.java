package dev.kiff.api.webhook;

import dev.kiff.core.failure.TransientFailure;
import dev.kiff.core.webhook.WebhookTransport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** The {@link WebhookTransport} on the JDK's HTTP client: no redirects followed, every call bounded in time. */
public final class HttpClientWebhookTransport implements WebhookTransport {

    private final HttpClient http;
    private final Duration timeout;

    public HttpClientWebhookTransport(Duration connectTimeout, Duration timeout) {
        // A redirect could send the signed body somewhere the tenant did not name.
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.timeout = timeout;
    }

    @Override
    public int post(URI url, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        try {
            // The receiver's answer body is of no use; it is discarded as it arrives.
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new TransientFailure(e.getClass().getSimpleName() + (e.getMessage() == null ? ""
                    : ": " + e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientFailure("interrupted", e);
        }
    }
}
