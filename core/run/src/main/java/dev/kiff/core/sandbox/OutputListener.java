package dev.kiff.core.sandbox;

/**
 * Hears a job's output while it runs, chunk by chunk as the sandbox relays it. Called on the sandbox's reading
 * thread: implementations hand the bytes on and return at once.
 */
@FunctionalInterface
public interface OutputListener {

    /** Listens to nothing. */
    OutputListener NONE = (toStderr, chunk) -> { };

    /** {@code chunk} is the listener's to keep. */
    void output(boolean toStderr, byte[] chunk);
}
