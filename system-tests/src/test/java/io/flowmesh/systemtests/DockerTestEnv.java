package io.flowmesh.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A Docker engine and base images from {@code scripts/docker-test-env.sh}: what it printed
 * ({@code DOCKER_HOST}, the compose command, the stand-in base images) and whether it started
 * the daemon, which {@link #close()} then stops. Where no engine can be had, {@link #start()}
 * prints the script's one-line reason and aborts the calling tests (a JUnit assumption).
 */
final class DockerTestEnv implements AutoCloseable {

  static final Path SCRIPT = Project.path("scripts/docker-test-env.sh");
  /** debootstrap of the base image (~3 min) and an apt-get install of the engine, cold. */
  private static final Duration START_TIMEOUT = Duration.ofMinutes(20);
  private static final int NO_ENGINE = 3;

  private final Map<String, String> values;
  private final Path logDir;

  private DockerTestEnv(Map<String, String> values, Path logDir) {
    this.values = values;
    this.logDir = logDir;
  }

  static DockerTestEnv start() {
    Path logDir = Project.path("system-tests/target/compose");
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Result r = run(List.of(SCRIPT.toString(), "start"), Map.of(), logDir.resolve("docker-test-env.log"), START_TIMEOUT);
    if (r.exit() == NO_ENGINE) {
      String why = r.stdout().strip();
      System.out.println(why);
      Assumptions.abort(why);
    }
    if (r.exit() != 0) {
      throw new AssertionError("scripts/docker-test-env.sh start failed (" + r.exit() + "):\n" + r.tail());
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : r.stdout().split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        values.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    for (String k : List.of("DOCKER_HOST", "COMPOSE", "MAVEN_IMAGE", "JRE_IMAGE", "PROMETHEUS_IMAGE", "KAFKA_IMAGE", "JARS",
        "STARTED")) {
      if (!values.containsKey(k)) {
        throw new AssertionError("scripts/docker-test-env.sh printed no " + k + ":\n" + r.stdout());
      }
    }
    return new DockerTestEnv(values, logDir);
  }

  /** The environment every docker and compose command gets: the engine and the base images. */
  Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    for (String k : List.of("DOCKER_HOST", "MAVEN_IMAGE", "JRE_IMAGE", "PROMETHEUS_IMAGE", "JARS")) {
      env.put(k, values.get(k));
    }
    if (!values.get("KAFKA_IMAGE").isEmpty()) {
      env.put("KAFKA_IMAGE", values.get("KAFKA_IMAGE"));
    }
    return env;
  }

  /** {@code docker compose} or {@code docker-compose}, as words. */
  List<String> composeCommand() {
    return List.of(values.get("COMPOSE").split(" "));
  }

  /** How the image gets its jars: {@code maven} (compiled in the build) or {@code prebuilt} (the host's). */
  String jars() {
    return values.get("JARS");
  }

  String jreImage() {
    return values.get("JRE_IMAGE");
  }

  /** The stand-in for apache/kafka, or empty when kafka-broker was not built (the script says so in its log). */
  String kafkaImage() {
    return values.get("KAFKA_IMAGE");
  }

  Path logDir() {
    return logDir;
  }

  /** Runs {@code docker ARGS...} against this engine; fails unless it exits 0. */
  String docker(Duration timeout, String... args) {
    List<String> cmd = new ArrayList<>(List.of("docker"));
    cmd.addAll(List.of(args));
    Result r = run(cmd, environment(), logDir.resolve("docker.log"), timeout);
    if (r.exit() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " exited " + r.exit() + ":\n" + r.tail());
    }
    return r.stdout();
  }

  @Override
  public void close() {
    if ("yes".equals(values.get("STARTED"))) {
      Result r = run(List.of(SCRIPT.toString(), "stop"), Map.of(), logDir.resolve("docker-test-env.log"), Duration.ofMinutes(1));
      if (r.exit() != 0) {
        throw new AssertionError("scripts/docker-test-env.sh stop failed (" + r.exit() + "):\n" + r.tail());
      }
    }
  }

  /** A finished command: exit status, standard output, and the end of its standard error. */
  record Result(int exit, String stdout, String stderr) {

    String tail() {
      List<String> lines = (stdout + stderr).lines().toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
  }

  /**
   * Runs {@code command} with {@code env} added to this JVM's environment; its standard error is
   * appended to {@code log}. Killed (and the test failed) after {@code timeout}.
   */
  static Result run(List<String> command, Map<String, String> env, Path log, Duration timeout) {
    try {
      Path out = Files.createTempFile(log.getParent(), "out", ".txt");
      Path err = Files.createTempFile(log.getParent(), "err", ".txt");
      ProcessBuilder pb = new ProcessBuilder(command).directory(Project.root().toFile())
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
          .redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().putAll(env);
      long started = System.nanoTime();
      Process p = pb.start();
      ProcessReaper.register(p);
      boolean done;
      try {
        done = p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
        throw new IllegalStateException("interrupted", e);
      }
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      Files.writeString(log, String.format("$ %s   # %.1f s%n%s", String.join(" ", command),
          (System.nanoTime() - started) / 1e9, stderr), StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      String stdout = Files.readString(out, StandardCharsets.UTF_8);
      Files.delete(out);
      Files.delete(err);
      if (!done) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout.toMinutes()
            + " min; log: " + log + "\n" + new Result(-1, stdout, stderr).tail());
      }
      return new Result(p.exitValue(), stdout, stderr);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
