package dev.kiff.client;

/** A regular file in a session's {@code /workspace}: its path relative to it, and its size in bytes. */
public record SessionFile(String path, long size) {
}
