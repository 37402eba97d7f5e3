package dev.kiff.worker.docker;

import dev.kiff.model.job.Job;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A job's input files on the worker's disk, in the directory of its sandbox that the sandbox mounts read-only at
 * {@code /input}: the code can read them but never change them, and nothing else of the host is visible. Closing
 * empties the directory again, so the next job of a reused sandbox sees none of them.
 */
final class JobInputs implements AutoCloseable {

    private final Path directory;

    private JobInputs(Path directory) {
        this.directory = directory;
    }

    /** Writes the job's files into {@code directory}, the sandbox's (empty) input directory. */
    static JobInputs stage(Path directory, Job job) {
        if (job.files().isEmpty()) {
            return new JobInputs(null);
        }
        try {
            for (Map.Entry<String, String> file : job.files().entrySet()) {
                // The validator allows only plain relative names; resolving and checking again costs nothing.
                Path target = directory.resolve(file.getKey()).normalize();
                if (!target.startsWith(directory)) {
                    throw new IllegalArgumentException("file name escapes the input directory: " + file.getKey());
                }
                Files.createDirectories(target.getParent());
                Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
            }
            try (Stream<Path> paths = Files.walk(directory)) {
                for (Path path : (Iterable<Path>) paths.filter(p -> !p.equals(directory))::iterator) {
                    Files.setPosixFilePermissions(path,
                            PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
            return new JobInputs(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("could not stage the input files of Job(id=" + job.id() + ")", e);
        }
    }

    @Override
    public void close() {
        if (directory == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : (Iterable<Path>) paths.filter(p -> !p.equals(directory))
                    .sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove " + directory, e);
        }
    }
}
