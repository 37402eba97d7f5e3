package dev.kiff.worker.docker;

import java.io.InputStream;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The stdin Docker copies into a sandbox: it blocks until the worker hands over a job envelope, so the attach can be
 * opened when the sandbox is started and the envelope written the moment a job is taken. The transport flushes after
 * every read, so each envelope reaches the runner at once.
 */
final class EnvelopeFeed extends InputStream {

    private static final byte[] END = new byte[0];

    private final LinkedBlockingQueue<byte[]> envelopes = new LinkedBlockingQueue<>();
    private byte[] current = new byte[0];
    private int position;
    private boolean ended;

    /** Queues one envelope line for the runner. */
    void send(byte[] line) {
        envelopes.add(line);
    }

    /** Ends the stream: the runner sees end of input (a single-use runner does not need more). */
    @Override
    public void close() {
        envelopes.add(END);
    }

    @Override
    public int read() throws java.io.IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws java.io.IOException {
        if (length == 0) {
            return 0;
        }
        while (position >= current.length) {
            if (ended) {
                return -1;
            }
            try {
                current = envelopes.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting for a job envelope");
            }
            position = 0;
            if (current == END) {
                ended = true;
                return -1;
            }
        }
        int n = Math.min(length, current.length - position);
        System.arraycopy(current, position, buffer, offset, n);
        position += n;
        return n;
    }
}
