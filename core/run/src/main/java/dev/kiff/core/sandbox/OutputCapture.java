package dev.kiff.core.sandbox;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Keeps the first {@code cap} bytes of a stream and counts the rest, so a job printing gigabytes costs the worker
 * {@code cap} bytes of memory. Not thread-safe: one writer at a time.
 */
public final class OutputCapture {

    private final int cap;
    private final ByteArrayOutputStream kept;
    private long total;

    public OutputCapture(int cap) {
        this.cap = cap;
        this.kept = new ByteArrayOutputStream(Math.min(cap, 8192));
    }

    public void append(byte[] bytes) {
        append(bytes, 0, bytes.length);
    }

    public void append(byte[] bytes, int offset, int length) {
        int room = (int) Math.max(0, Math.min(length, cap - (long) kept.size()));
        if (room > 0) {
            kept.write(bytes, offset, room);
        }
        total += length;
    }

    public long totalBytes() {
        return total;
    }

    public CapturedOutput result() {
        return new CapturedOutput(decode(kept.toByteArray()), total > kept.size(), total);
    }

    private static String decode(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            // PostgreSQL text cannot hold NUL; it is as unprintable as a broken sequence, so it gets the same mark.
            return decoder.decode(ByteBuffer.wrap(bytes)).toString().replace('\0', '\uFFFD');
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException("a replacing decoder cannot fail", e);
        }
    }
}
