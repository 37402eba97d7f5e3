package dev.kiff.core.sandbox;

/** A regular file under a session's {@code /workspace}, as a {@code list} command answers it. */
public record SessionFile(String path, long size) {
}
