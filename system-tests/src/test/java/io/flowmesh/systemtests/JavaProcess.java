package io.flowmesh.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code java -jar} child process, as a user starts it: its own environment (the test JVM's,
 * without any {@code FLOWMESH_*} variable, plus what the test gives), stdout and stderr in a log
 * file. {@link #close()} stops it whatever happened.
 */
final class JavaProcess implements AutoCloseable {

  /** Small heaps and the serial collector: four JVMs share two cores with other builds. */
  static final List<String> JVM_OPTIONS = List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  private final String name;
  private final Process process;
  private final Path log;

  private JavaProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code java -jar jar args...}.
   *
   * @param dir working directory; the log is {@code dir/<name>.log} (appended to across restarts)
   */
  static JavaProcess start(String name, Path jar, List<String> args, Map<String, String> env, Path dir) {
    return start(name, jar, JVM_OPTIONS, args, env, dir);
  }

  /** As {@link #start(String, Path, List, Map, Path)} with these JVM options instead of {@link #JVM_OPTIONS}. */
  static JavaProcess start(String name, Path jar, List<String> jvmOptions, List<String> args, Map<String, String> env, Path dir) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build first (mvn -B -q install -DskipTests)");
    }
    List<String> command = new ArrayList<>();
    command.add(Project.java().toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(args);
    return start(name, command, env, dir);
  }

  /** Starts any command the same way (used for scripts). */
  static JavaProcess start(String name, List<String> command, Map<String, String> env, Path dir) {
    Path log = dir.resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().keySet().removeIf(k -> k.startsWith("FLOWMESH_") || k.equals("JAVA_TOOL_OPTIONS"));
    builder.environment().putAll(env);
    try {
      Process process = builder.start();
      ProcessReaper.register(process);
      return new JavaProcess(name, process, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  String name() {
    return name;
  }

  Process process() {
    return process;
  }

  boolean alive() {
    return process.isAlive();
  }

  Path log() {
    return log;
  }

  String logText() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /** The last {@code lines} lines of the log, labelled, for failure messages. */
  String logTail(int lines) {
    List<String> all = logText().lines().toList();
    List<String> tail = all.subList(Math.max(0, all.size() - lines), all.size());
    return "--- " + name + " (" + (alive() ? "running" : "exited " + process.exitValue()) + "), last lines of " + log
        + "\n" + String.join("\n", tail);
  }

  /** Waits until the log contains {@code text}; fails at once if the process exits first. */
  void awaitLog(String text, Duration timeout) {
    Await.until(name + " to log '" + text + "'", timeout, () -> {
      if (logText().contains(text)) {
        return true;
      }
      if (!alive()) {
        throw new AssertionError(name + " exited before logging '" + text + "'\n" + logTail(30));
      }
      return false;
    }, () -> logTail(30));
  }

  /** How a process ended after SIGTERM. */
  record Stopped(int exitCode, Duration took, boolean inTime) {
  }

  /** Sends SIGTERM and waits up to {@code timeout}; kills it (SIGKILL) if it has not exited by then. */
  Stopped terminate(Duration timeout) {
    long start = System.nanoTime();
    process.destroy();
    boolean exited = waitFor(timeout);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    if (!exited) {
      process.destroyForcibly();
      waitFor(Duration.ofSeconds(10));
    }
    return new Stopped(process.exitValue(), took, exited);
  }

  /** Waits for the process to exit on its own. */
  boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Stops the process if still running: SIGTERM, then SIGKILL after 20 s. */
  @Override
  public void close() {
    if (process.isAlive()) {
      terminate(Duration.ofSeconds(20));
    }
  }
}
