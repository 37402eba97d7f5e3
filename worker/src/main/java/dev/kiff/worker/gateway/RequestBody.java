package dev.kiff.worker.gateway;

import java.io.IOException;
import java.io.InputStream;

/**
 * A request body as it arrives from the sandbox, framed by Content-Length or chunked, read through the caller's
 * buffer and never held whole. Every byte passes the meter on its way, and a read that takes the job past its
 * quota fails with {@link QuotaExceeded}: a body is stopped once it is too large, not measured after it arrived.
 */
final class RequestBody extends InputStream {

    /** Counts bytes as they cross; false once the job is past its quota. */
    @FunctionalInterface
    interface Meter {
        boolean take(long bytes);
    }

    /** The body passed the job's quota; what was read of it counted. */
    static final class QuotaExceeded extends IOException {
        QuotaExceeded(String message) {
            super(message);
        }
    }

    /** The body is not framed as its head said (closed early, a bad chunk). */
    static final class Malformed extends IOException {
        Malformed(String message) {
            super(message);
        }
    }

    private final InputStream in;
    private final boolean chunked;
    private final int maxTrailers;
    private final Meter meter;
    private long left;
    private boolean done;
    private long read;
    private IOException failure;

    RequestBody(InputStream in, GatewayRequest request, int maxTrailers, Meter meter) {
        this.in = in;
        this.chunked = request.chunked();
        this.maxTrailers = maxTrailers;
        this.meter = meter;
        this.left = chunked ? 0 : Math.max(0, request.contentLength());
        this.done = !request.hasBody();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (length == 0) {
            return 0;
        }
        try {
            if (done || (left == 0 && !nextChunk())) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, left));
            if (n < 0) {
                throw new Malformed("connection closed before the body ended");
            }
            left -= n;
            read += n;
            if (!meter.take(n)) {
                throw new QuotaExceeded("request body passed the job's gateway quota after " + read + " bytes");
            }
            if (left == 0) {
                if (chunked) {
                    HttpRequestReader.readLine(in); // the CRLF after the chunk's data
                } else {
                    done = true;
                }
            }
            return n;
        } catch (IOException e) {
            // The upstream client may read again after a failure; it must see the same one.
            failure = e;
            throw e;
        }
    }

    /** Body bytes read so far. */
    long bytesRead() {
        return read;
    }

    /** Why reading the body failed, if it did. */
    IOException failure() {
        return failure;
    }

    /** Reads the next chunk's size; false at the last chunk, whose trailers are read and dropped. */
    private boolean nextChunk() throws IOException {
        if (!chunked) {
            done = true;
            return false;
        }
        String sizeLine = HttpRequestReader.readLine(in);
        int semicolon = sizeLine.indexOf(';');
        long size;
        try {
            size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
        } catch (NumberFormatException e) {
            throw new Malformed("bad chunk size");
        }
        if (size < 0) {
            throw new Malformed("bad chunk size");
        }
        if (size == 0) {
            int trailers = 0;
            while (!HttpRequestReader.readLine(in).isEmpty()) {
                if (++trailers > maxTrailers) {
                    throw new Malformed("more than " + maxTrailers + " trailer lines");
                }
            }
            done = true;
            return false;
        }
        left = size;
        return true;
    }
}
