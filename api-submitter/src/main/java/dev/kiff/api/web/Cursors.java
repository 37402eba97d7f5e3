package dev.kiff.api.web;

import dev.kiff.model.job.InvalidJobException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque page cursors: a position (a batch place, a result number) wrapped so clients pass it back unchanged rather
 * than build it, which leaves the server free to change what it holds.
 */
final class Cursors {

    private Cursors() {
    }

    static String encode(String kind, long position) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((kind + ":" + position).getBytes(StandardCharsets.UTF_8));
    }

    /** The position in {@code cursor}, or {@code start} without one. */
    static long decode(String kind, String cursor, long start) {
        if (cursor == null || cursor.isBlank()) {
            return start;
        }
        try {
            String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (plain.startsWith(kind + ":")) {
                return Long.parseLong(plain.substring(kind.length() + 1));
            }
        } catch (IllegalArgumentException e) {
            // below
        }
        throw InvalidJobException.of("cursor", "not a cursor of this listing; pass nextCursor back unchanged");
    }

    static int limit(Integer limit, int max) {
        if (limit == null) {
            return Math.min(100, max);
        }
        if (limit < 1 || limit > max) {
            throw InvalidJobException.of("limit", "must be 1 to " + max);
        }
        return limit;
    }
}
