package dev.kiff.client;

import java.time.Duration;

/**
 * The {@code text/event-stream} format (WHATWG HTML, "Server-sent events"), fed one line at a time without its
 * terminator. One parser lives across reconnections, because the last event id and the retry delay must survive
 * them.
 */
final class SseParser {

    /** A dispatched event; {@code type} is {@code message} when the stream named none. */
    record Event(String id, String type, String data) {
    }

    private final StringBuilder data = new StringBuilder();
    private String type = "";
    private String idBuffer = "";
    private String lastEventId = "";
    private Duration retry;
    private boolean atStart = true;

    /** Takes one line; answers the event a blank line completes, else null. */
    Event line(String line) {
        if (atStart) {
            atStart = false;
            if (line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
        }
        if (line.isEmpty()) {
            return dispatch();
        }
        if (line.startsWith(":")) {
            return null; // a comment: the server's keep-alive
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> type = value;
            case "data" -> data.append(value).append('\n');
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    idBuffer = value;
                }
            }
            case "retry" -> {
                if (value.matches("\\d{1,9}")) {
                    retry = Duration.ofMillis(Long.parseLong(value));
                }
            }
            default -> {
                // unknown fields are ignored, as the format requires
            }
        }
        return null;
    }

    private Event dispatch() {
        // The id counts once its event is complete, so a reconnection never skips an event cut off mid-way.
        lastEventId = idBuffer;
        if (data.isEmpty()) {
            type = "";
            return null;
        }
        Event event = new Event(lastEventId, type.isEmpty() ? "message" : type,
                data.substring(0, data.length() - 1));
        data.setLength(0);
        type = "";
        return event;
    }

    /** The connection ended: an event it left unfinished is dropped, to arrive whole after the reconnection. */
    void reconnecting() {
        data.setLength(0);
        type = "";
        idBuffer = lastEventId;
        atStart = true;
    }

    /** The id of the last complete event, for {@code Last-Event-ID}; empty when there is none. */
    String lastEventId() {
        return lastEventId;
    }

    /** The reconnection delay the server asked for, or null. */
    Duration retry() {
        return retry;
    }
}
