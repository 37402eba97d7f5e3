package dev.kiff.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The Python corpus of the batch benchmark ({@code src/main/resources/corpus/NNN_name.py}): short programs that check
 * themselves with their own asserts; about half fail by design. Read from the classpath, in file-name order.
 */
final class Corpus {

    /** One program: its file name without {@code .py}, and its source. */
    record Program(String name, String code) {
    }

    private Corpus() {
    }

    static List<Program> load() {
        URL marker = Corpus.class.getResource("/corpus/README.md");
        if (marker == null) {
            throw new IllegalStateException("the corpus is not on the classpath (corpus/README.md)");
        }
        try {
            URI uri = marker.toURI();
            if ("jar".equals(uri.getScheme())) {
                try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                    return read(jar.getPath("/corpus"));
                }
            }
            return read(Path.of(uri).getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Program> read(Path directory) throws IOException {
        List<Program> programs = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("\\d{3}_.*\\.py"))
                    .sorted(Comparator.comparing(f -> f.getFileName().toString())).toList()) {
                String name = file.getFileName().toString();
                programs.add(new Program(name.substring(0, name.length() - 3),
                        Files.readString(file, StandardCharsets.UTF_8)));
            }
        }
        if (programs.isEmpty()) {
            throw new IllegalStateException("no NNN_name.py programs in " + directory);
        }
        return programs;
    }
}
