package dev.kiff.api.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@link SchedulerView} over the scheduler's own HTTP endpoints, at the URL the operator configured
 * ({@link ConsoleProperties#schedulerUrl()}); redirects are not followed. Failures are thrown as
 * {@link UncheckedIOException}: the page shows the scheduler as unreachable.
 */
public final class HttpSchedulerView implements SchedulerView {

    private final URI base;
    private final Duration timeout;
    private final HttpClient http;

    public HttpSchedulerView(URI base, Duration timeout) {
        this.base = base;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public Optional<String> read(String path) {
        if (base == null || base.toString().isBlank()) {
            return Optional.empty();
        }
        URI uri = URI.create(base.toString().replaceAll("/+$", "") + path);
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new UncheckedIOException(new IOException("the scheduler answered " + response.statusCode()
                        + " to " + path));
            }
            return Optional.of(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted reading the scheduler"));
        }
    }
}
