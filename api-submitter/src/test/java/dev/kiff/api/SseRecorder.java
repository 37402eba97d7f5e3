package dev.kiff.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Server-Sent Events client for tests: opens a stream as a browser's {@code EventSource} would (with the key, and
 * optionally {@code Last-Event-ID}), reads it line by line on a background thread, and records every event. It can be
 * closed mid-stream, as a client that goes away; {@link #ended()} tells whether the server closed the stream.
 */
final class SseRecorder implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** One event: its {@code id:} (null when it had none), {@code event:} name, and {@code data:} as JSON. */
    record Event(String id, String event, JsonNode data) {

        @Override
        public String toString() {
            return event + "#" + id;
        }
    }

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<String> raw = new CopyOnWriteArrayList<>();
    private final AtomicInteger comments = new AtomicInteger();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private volatile Stream<String> lines;
    private volatile boolean closed;

    private SseRecorder(HttpRequest request) {
        response = HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        response.whenComplete((reply, failure) -> {
            if (failure != null) {
                finished.completeExceptionally(failure);
                return;
            }
            lines = reply.body();
            if (closed) {
                reply.body().close();
                finished.complete(null);
                return;
            }
            Thread reader = new Thread(() -> read(reply.body()), "sse-recorder");
            reader.setDaemon(true);
            reader.start();
        });
    }

    /** Opens {@code path} on the API at {@code base} as the holder of {@code key}. */
    static SseRecorder open(URI base, String path, String key) {
        return open(base, path, key, null);
    }

    /** Opens the stream resuming after {@code lastEventId} (sent as the {@code Last-Event-ID} header when not null). */
    static SseRecorder open(URI base, String path, String key, String lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .header("Accept", "text/event-stream")
                .header("Cache-Control", "no-cache")
                .GET();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        return new SseRecorder(request.build());
    }

    /** POSTs {@code json} to {@code path} asking for an event stream in answer, as a session run streamed live. */
    static SseRecorder post(URI base, String path, String key, String json) {
        return new SseRecorder(HttpRequest.newBuilder(base.resolve(path))
                .header("Accept", "text/event-stream")
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private void read(Stream<String> body) {
        String id = null;
        String event = null;
        StringBuilder data = null;
        try (body) {
            for (String line : (Iterable<String>) body::iterator) {
                raw.add(line);
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new Event(id, event == null ? "message" : event, JSON.readTree(data.toString())));
                    }
                    id = null;
                    event = null;
                    data = null;
                    continue;
                }
                if (line.startsWith(":")) {
                    comments.incrementAndGet();
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                switch (field) {
                    case "id" -> id = value;
                    case "event" -> event = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    default -> {
                        // retry: and unknown fields are ignored, as EventSource does
                    }
                }
            }
            finished.complete(null);
        } catch (RuntimeException e) {
            // Closed by the test mid-stream, or the connection broke.
            finished.completeExceptionally(e);
        }
    }

    /** The HTTP status of the answer, waiting for it to arrive. */
    int status() {
        return status(Duration.ofSeconds(10));
    }

    /** The HTTP status of the answer, waiting at most {@code within} for it to arrive. */
    int status(Duration within) {
        return response(within).statusCode();
    }

    String contentType() {
        return response(Duration.ofSeconds(10)).headers().firstValue("Content-Type").orElse("");
    }

    private HttpResponse<Stream<String>> response(Duration within) {
        try {
            return response.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("no answer to the event stream request within " + within, e);
        }
    }

    /** The events received so far, in order. */
    List<Event> events() {
        return new ArrayList<>(events);
    }

    List<String> ids() {
        return events().stream().map(Event::id).toList();
    }

    List<Event> events(String name) {
        return events().stream().filter(e -> e.event().equals(name)).toList();
    }

    /** Every line received, as sent: the body of an answer that is not an event stream. */
    String body() {
        return String.join("\n", raw);
    }

    int comments() {
        return comments.get();
    }

    /** Whether the server ended the stream (not the test closing it). */
    boolean ended() {
        return finished.isDone() && !finished.isCompletedExceptionally() && !closed;
    }

    /** Goes away mid-stream, as a client that loses its connection. */
    @Override
    public void close() {
        closed = true;
        Stream<String> body = lines;
        if (body != null) {
            body.close();
        } else {
            response.cancel(true);
        }
    }
}
