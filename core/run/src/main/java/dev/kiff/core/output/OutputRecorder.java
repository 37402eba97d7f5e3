package dev.kiff.core.output;

import dev.kiff.model.output.LogChunk;
import dev.kiff.model.job.Job;
import dev.kiff.core.sandbox.OutputListener;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run's live output: hears the sandbox's chunks, and on each {@link #flush()} keeps what came since in the
 * {@link LogStore}, then announces it through the {@link LogPublisher} — kept before announced, so a watcher that
 * reads the store after it started listening misses nothing. Consecutive writes to one stream become one chunk;
 * a chunk holds at most {@code chunkChars} characters. After {@code capBytes} of output the rest is not recorded
 * (one {@link LogChunk#NOTICE} says so); the job's result still carries its own captured output.
 */
public final class OutputRecorder implements OutputListener {

    private static final Logger log = LoggerFactory.getLogger(OutputRecorder.class);

    private final Job job;
    private final int attempt;
    private final LogStore store;
    private final LogPublisher publisher;
    private final Clock clock;
    private final int chunkChars;
    private final long capBytes;
    private final Utf8Carry stdout = new Utf8Carry();
    private final Utf8Carry stderr = new Utf8Carry();
    private final List<Segment> pending = new ArrayList<>();
    private final Object flushing = new Object();
    private long recordedBytes;
    private boolean capped;
    private int seq;
    /** Whether the start chunk was flushed. Touched only under the flush lock. */
    private boolean started;

    OutputRecorder(Job job, int attempt, LogStore store, LogPublisher publisher, Clock clock, int chunkChars,
            long capBytes) {
        this.job = job;
        this.attempt = attempt;
        this.store = store;
        this.publisher = publisher;
        this.clock = clock;
        this.chunkChars = chunkChars;
        this.capBytes = capBytes;
    }


    @Override
    public synchronized void output(boolean toStderr, byte[] bytes) {
        if (capped) {
            return;
        }
        int allowed = (int) Math.min(bytes.length, capBytes - recordedBytes);
        recordedBytes += allowed;
        String text = (toStderr ? stderr : stdout).decode(bytes, allowed);
        append(toStderr ? LogChunk.STDERR : LogChunk.STDOUT, text);
        if (allowed < bytes.length) {
            capped = true;
            append(LogChunk.NOTICE, "[kiff: live output stops at its cap of " + capBytes
                    + " bytes; the result keeps the captured output]\n");
        }
    }

    private void append(String stream, String text) {
        if (text.isEmpty() || capped && !stream.equals(LogChunk.NOTICE)) { // nothing after the cap's notice
            return;
        }
        Segment last = pending.isEmpty() ? null : pending.get(pending.size() - 1);
        if (last != null && last.stream.equals(stream)) {
            last.text.append(text);
        } else {
            pending.add(new Segment(stream, new StringBuilder(text)));
        }
    }

    /** Keeps and announces what came since the last flush. Called every few hundred ms, and once at the end. */
    public void flush() {
        // One flush at a time, so chunks are kept and announced in the order they are numbered.
        synchronized (flushing) {
            List<LogChunk> chunks = new ArrayList<>();
            if (!started) {
                // The start of the run (chunk 0) goes out with the first flush, ahead of any output: it costs the
                // job's start no write of its own.
                started = true;
                chunks.add(chunk(0, LogChunk.START, ""));
            }
            synchronized (this) {
                for (Segment segment : pending) {
                    String text = segment.text.toString();
                    for (int from = 0; from < text.length(); ) {
                        int to = Math.min(text.length(), from + chunkChars);
                        if (to < text.length() && Character.isHighSurrogate(text.charAt(to - 1))) {
                            to--; // a character never straddles two chunks
                        }
                        chunks.add(chunk(++seq, segment.stream, text.substring(from, to)));
                        from = to;
                    }
                }
                pending.clear();
            }
            write(chunks);
        }
    }

    /** The final flush: also what was held back as the start of an unfinished character. */
    void finish() {
        synchronized (this) {
            append(LogChunk.STDOUT, stdout.rest());
            append(LogChunk.STDERR, stderr.rest());
        }
        flush();
    }

    private void write(List<LogChunk> chunks) {
        if (chunks.isEmpty()) {
            return;
        }
        try {
            store.append(chunks);
        } catch (RuntimeException e) {
            // Live output is a convenience; the run and its result go on without it.
            log.error("Job(id={}) live output of attempt {} could not be kept: {}", job.id(), attempt,
                    e.getMessage(), e);
            return;
        }
        publisher.publish(chunks);
    }

    private LogChunk chunk(int number, String stream, String data) {
        return new LogChunk(LogChunk.VERSION, job.id(), job.tenant(), attempt, number, stream, data, clock.instant());
    }

    private record Segment(String stream, StringBuilder text) {
    }

    /** Decodes a byte stream that may split a UTF-8 character between two reads. */
    private static final class Utf8Carry {
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        private byte[] carry = new byte[0];

        String decode(byte[] bytes, int length) {
            byte[] all = Arrays.copyOf(carry, carry.length + length);
            System.arraycopy(bytes, 0, all, carry.length, length);
            int cut = completeUpTo(all);
            carry = Arrays.copyOfRange(all, cut, all.length);
            return decodeAll(Arrays.copyOf(all, cut));
        }

        String rest() {
            String text = decodeAll(carry);
            carry = new byte[0];
            return text;
        }

        private String decodeAll(byte[] bytes) {
            try {
                CharBuffer chars = decoder.reset().decode(ByteBuffer.wrap(bytes));
                return chars.toString();
            } catch (CharacterCodingException e) {
                throw new IllegalStateException("a replacing decoder does not throw", e);
            }
        }

        /** The length of the longest prefix that does not end inside a UTF-8 character. */
        private static int completeUpTo(byte[] bytes) {
            int n = bytes.length;
            for (int back = 1; back <= Math.min(3, n); back++) {
                int b = bytes[n - back] & 0xFF;
                if ((b & 0xC0) == 0x80) {
                    continue; // a continuation byte: look further back for the lead
                }
                int length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
                return length > back ? n - back : n;
            }
            return n;
        }
    }
}
