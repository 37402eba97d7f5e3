package dev.kiff.core.sandbox;

/**
 * One rich output of a session run, as the kernel reported it: the last expression's value ({@code text/plain},
 * its repr, at most 64 KiB) or a matplotlib figure ({@code image/png}, its bytes). Still inline in the runner's
 * {@code X} frame (at most 512 KiB of PNG per run); the gateway's {@code display/<k>.png} artifacts come later.
 */
public record SandboxDisplay(String mimeType, String text, byte[] data) {
}
