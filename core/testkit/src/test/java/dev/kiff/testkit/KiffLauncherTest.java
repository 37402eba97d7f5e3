package dev.kiff.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The launcher a newcomer runs first: help and mistakes must print the usage and change nothing. The script runs
 * from a copy in a scratch directory, with every tool it could start (docker, dockerd, mvn, java, apt-get...) replaced
 * by a stub that records its call, so "changed nothing" means: no tool was called and no file appeared.
 */
class KiffLauncherTest {

  private static final List<String> TOOLS =
      List.of("docker", "docker-compose", "dockerd", "mvn", "java", "apt-get", "mmdebstrap", "curl", "runsc", "kill",
          "pkill", "python3");
  private static final List<String> COMMANDS = List.of("dev", "test", "bench", "simulate", "tenant", "api", "repl",
      "status", "worker", "scheduler", "images", "kafka", "compose");

  @TempDir Path scratch;
  private Path home;
  private Path stubs;
  private Path calls;

  @BeforeEach
  void copyTheLauncher() throws IOException {
    home = Files.createDirectories(scratch.resolve("kiff"));
    Path launcher = home.resolve("kiff");
    Files.copy(projectRoot().resolve("kiff"), launcher);
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    stubs = Files.createDirectories(scratch.resolve("stubs"));
    calls = scratch.resolve("calls.log");
    for (String tool : TOOLS) {
      Path stub = stubs.resolve(tool);
      Files.writeString(stub, "#!/bin/sh\necho \"" + tool + " $*\" >> '" + calls + "'\n");
      Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void withNoCommandPrintsTheUsageAndStartsNothing() throws Exception {
    Run run = kiff();

    assertThat(run.exit).isZero();
    assertThat(run.stdout).startsWith("usage: ./kiff <command>").contains("chaos").contains("${KIFF_API_PORT:-8080}");
    assertNothingChanged();
  }

  @ParameterizedTest
  @ValueSource(strings = {"help", "-h", "--help"})
  void helpPrintsTheUsageAndStartsNothing(String help) throws Exception {
    Run run = kiff(help);

    assertThat(run.exit).isZero();
    assertThat(run.stdout).startsWith("usage: ./kiff <command>");
    assertNothingChanged();
  }

  @Test
  void everyCommandsHelpPrintsTheUsageAndStartsNothing() throws Exception {
    for (String command : COMMANDS) {
      Run run = kiff(command, "--help");

      assertThat(run.exit).as(command).isZero();
      assertThat(run.stdout).as(command).startsWith("usage: ./kiff <command>");
    }
    assertNothingChanged();
  }

  @Test
  void anUnknownCommandExitsTwoWithTheUsageOnStandardError() throws Exception {
    Run run = kiff("stat");

    assertThat(run.exit).isEqualTo(2);
    assertThat(run.stdout).isEmpty();
    assertThat(run.stderr).contains("unknown command: stat").contains("usage: ./kiff <command>");
    assertNothingChanged();
  }

  @Test
  void anUnknownComposeCommandExitsTwoAndStartsNothing() throws Exception {
    Run run = kiff("compose", "start");

    assertThat(run.exit).isEqualTo(2);
    assertThat(run.stdout).isEmpty();
    assertThat(run.stderr).contains("unknown compose command: start").contains("usage: ./kiff <command>");
    assertNothingChanged();
  }

  private void assertNothingChanged() throws IOException {
    assertThat(calls).as("tools the launcher called").doesNotExist();
    try (Stream<Path> files = Files.list(home)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly("kiff");
    }
  }

  private Run kiff(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", home.resolve("kiff").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(scratch.toFile());
    builder.environment().put("PATH", stubs + ":/usr/bin:/bin");
    builder.redirectOutput(scratch.resolve("out").toFile()).redirectError(scratch.resolve("err").toFile());
    Process process = builder.start();
    // A guard against a launcher that starts the platform instead of answering, not a speed assertion.
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError("./kiff " + String.join(" ", args) + " did not return; it started something");
    }
    return new Run(process.exitValue(), Files.readString(scratch.resolve("out"), StandardCharsets.UTF_8),
        Files.readString(scratch.resolve("err"), StandardCharsets.UTF_8));
  }

  private static Path projectRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("kiff"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no ./kiff above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  private record Run(int exit, String stdout, String stderr) {}
}
