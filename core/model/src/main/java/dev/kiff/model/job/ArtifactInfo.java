package dev.kiff.model.job;

/** An artifact as a result lists it: its name and size; the content is downloaded separately. */
public record ArtifactInfo(String name, long sizeBytes) {
}
