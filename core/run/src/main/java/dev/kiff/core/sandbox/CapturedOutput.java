package dev.kiff.core.sandbox;

/**
 * What was kept of one output stream.
 *
 * @param text       the first bytes of the stream, up to the job's {@code outputBytes}, as UTF-8 (invalid sequences
 *                   and NUL replaced by U+FFFD)
 * @param truncated  the stream produced more than was kept
 * @param totalBytes how many bytes the stream produced in all
 */
public record CapturedOutput(String text, boolean truncated, long totalBytes) {

    public static final CapturedOutput EMPTY = new CapturedOutput("", false, 0);
}
