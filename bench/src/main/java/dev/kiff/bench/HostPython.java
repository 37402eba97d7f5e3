package dev.kiff.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The references on the host: how long a bare {@code python3} takes to start, and the corpus run by {@code python3 -I}
 * one program after another, each a fresh process in a directory of its own with the program as {@code main.py}, as
 * a Kiff code-exec job has it in {@code /workspace}.
 *
 * <p>The interpreter is the one {@code python3} on the PATH names ({@code sys.executable}), called directly: a version
 * manager's shim in front of it (pyenv's is a bash script) would add its own start to every run.
 */
final class HostPython {

    /** One program's run: exit code, stdout (UTF-8), wall time in ms. */
    record Run(String name, int exit, String stdout, double ms) {
    }

    /** The corpus run one program after another, and the wall time of the whole (files written, processes run). */
    record CorpusRun(List<Run> runs, double seconds) {
        double programsPerSecond() {
            return runs.size() / seconds;
        }
    }

    final String executable;
    final String version;

    private HostPython(String executable, String version) {
        this.executable = executable;
        this.version = version;
    }

    /** The host's python3 as the PATH has it, resolved to the interpreter itself. */
    static HostPython resolve() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("kb-py-");
        try {
            Run which = run(List.of("python3", "-c", "import sys; print(sys.executable); print(sys.version.split()[0])"),
                    dir, "resolve");
            String[] lines = which.stdout().strip().split("\n");
            if (which.exit() != 0 || lines.length != 2) {
                throw new IllegalStateException("python3 on the host did not say where it is: " + which);
            }
            return new HostPython(lines[0].strip(), lines[1].strip());
        } finally {
            deleteTree(dir);
        }
    }

    /** Wall time (ms) of {@code python3 -c 'print(1)'}, spawn to exit, {@code runs} times after two unseen. */
    List<Double> startTimes(int runs) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("kb-py-");
        try {
            List<Double> times = new ArrayList<>();
            for (int i = 0; i < runs + 2; i++) {
                Run run = run(List.of(executable, "-c", "print(1)"), dir, "print(1)");
                if (run.exit() != 0 || !"1\n".equals(run.stdout())) {
                    throw new IllegalStateException("python3 -c 'print(1)' failed: " + run);
                }
                if (i >= 2) {
                    times.add(run.ms());
                }
            }
            return times;
        } finally {
            deleteTree(dir);
        }
    }

    /** Every program in turn, each as main.py in a fresh temporary directory, by {@code python3 -I main.py}. */
    CorpusRun corpus(List<Corpus.Program> programs) throws IOException, InterruptedException {
        List<Run> runs = new ArrayList<>();
        long begin = System.nanoTime();
        for (Corpus.Program program : programs) {
            Path dir = Files.createTempDirectory("kb-py-");
            try {
                Files.writeString(dir.resolve("main.py"), program.code(), StandardCharsets.UTF_8);
                runs.add(run(List.of(executable, "-I", "main.py"), dir, program.name()));
            } finally {
                deleteTree(dir);
            }
        }
        return new CorpusRun(runs, (System.nanoTime() - begin) / 1e9);
    }

    private static Run run(List<String> command, Path dir, String name) throws IOException, InterruptedException {
        long begin = System.nanoTime();
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out;
        try (InputStream stdout = process.getInputStream()) {
            out = stdout.readAllBytes();
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " on the host did not end within 60 s");
        }
        double ms = (System.nanoTime() - begin) / 1e6;
        return new Run(name, process.exitValue(), new String(out, StandardCharsets.UTF_8), ms);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
