package dev.kiff.core.sandbox;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Decodes what a Kiff runner (protocol v2) writes on its stdout: frames of a type byte, a 4-byte big-endian length
 * and the payload, arriving in chunks cut anywhere. The code in the sandbox never holds that stream; its output
 * arrives inside {@code O} and {@code E} frames.
 */
public final class RunnerFrames {

    /** The longest frame a runner writes (it relays at most 64 KiB per read); anything longer is a broken stream. */
    static final int MAX_PAYLOAD = 1 << 20;

    /** What the frames say, in order. */
    public interface Listener {
        /** The runner is up, its modules imported, waiting for a job. */
        void ready(String json);

        void stdout(byte[] chunk);

        void stderr(byte[] chunk);

        /** The job ended: {@code {"exit": N, "maxRssKb": N, "cpuMs": N}}. */
        void exit(String json);

        /** The stream broke the protocol; nothing more is decoded. */
        void broken(String reason);
    }

    private final Listener listener;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private boolean broken;

    public RunnerFrames(Listener listener) {
        this.listener = listener;
    }

    /** Decodes every complete frame; keeps a partial one for the next chunk. */
    public void feed(byte[] chunk) {
        if (broken) {
            return;
        }
        byte[] data;
        if (pending.size() == 0) {
            data = chunk;
        } else {
            pending.writeBytes(chunk);
            data = pending.toByteArray();
            pending.reset();
        }
        int at = 0;
        while (data.length - at >= 5) {
            char kind = (char) data[at];
            int length = ((data[at + 1] & 0xff) << 24) | ((data[at + 2] & 0xff) << 16) | ((data[at + 3] & 0xff) << 8)
                    | (data[at + 4] & 0xff);
            if (length < 0 || length > MAX_PAYLOAD) {
                fail("frame of " + Integer.toUnsignedString(length) + " bytes");
                return;
            }
            if (data.length - at - 5 < length) {
                break;
            }
            byte[] payload = new byte[length];
            System.arraycopy(data, at + 5, payload, 0, length);
            at += 5 + length;
            switch (kind) {
                case 'R' -> listener.ready(new String(payload, StandardCharsets.UTF_8));
                case 'O' -> listener.stdout(payload);
                case 'E' -> listener.stderr(payload);
                case 'X' -> listener.exit(new String(payload, StandardCharsets.UTF_8));
                default -> {
                    fail("unknown frame type " + (int) kind);
                    return;
                }
            }
        }
        pending.write(data, at, data.length - at);
    }

    private void fail(String reason) {
        broken = true;
        pending.reset();
        listener.broken(reason);
    }
}
