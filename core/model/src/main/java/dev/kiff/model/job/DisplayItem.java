package dev.kiff.model.job;

/**
 * Rich output of a run beside stdout and stderr, Jupyter-style.
 *
 * @param mimeType {@code text/plain} (the repr of the last expression, at most 64 KiB), {@code application/json} (a
 *                 file listing) or {@code image/png} (a plot)
 * @param text     the content of a textual item; null for an image
 * @param artifact where a binary item is: the run's artifact name, e.g. {@code display/1.png}, downloadable at
 *                 {@code /v1/jobs/{id}/artifacts/{name}}; null for a textual item
 * @param bytes    the size of the artifact, or of the text in UTF-8
 */
public record DisplayItem(String mimeType, String text, String artifact, long bytes) {
}
