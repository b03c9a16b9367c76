package io.flowmesh.systemtests;

import io.flowmesh.pipeline.process.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One {@code java -jar} child process, as a user starts it: its own environment (the test JVM's,
 * without any {@code FLOWMESH_*} variable, plus what the test gives), stdout and stderr in a log
 * file. {@link #close()} stops it whatever happened. The process itself is the pipeline runner's
 * {@link ChildProcess}; this adds the test's JVM options, the {@link ProcessReaper} and waits.
 */
final class JavaProcess implements AutoCloseable {

  /** Small heaps and the serial collector: four JVMs share two cores with other builds. */
  static final List<String> JVM_OPTIONS = List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  private final ChildProcess child;

  private JavaProcess(ChildProcess child) {
    this.child = child;
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
    ChildProcess child = ChildProcess.start(name, command, env, dir, dir.resolve(name + ".log"), false);
    ProcessReaper.register(child.process());
    return new JavaProcess(child);
  }

  String name() {
    return child.name();
  }

  Process process() {
    return child.process();
  }

  boolean alive() {
    return child.alive();
  }

  Path log() {
    return child.log();
  }

  String logText() {
    return child.logText();
  }

  /** The last {@code lines} lines of the log, labelled, for failure messages. */
  String logTail(int lines) {
    return child.logTail(lines);
  }

  /** Waits until the log contains {@code text}; fails at once if the process exits first. */
  void awaitLog(String text, Duration timeout) {
    Await.until(name() + " to log '" + text + "'", timeout, () -> {
      if (logText().contains(text)) {
        return true;
      }
      if (!alive()) {
        throw new AssertionError(name() + " exited before logging '" + text + "'\n" + logTail(30));
      }
      return false;
    }, () -> logTail(30));
  }

  /** How a process ended after SIGTERM. */
  record Stopped(int exitCode, Duration took, boolean inTime) {
  }

  /** Sends SIGTERM and waits up to {@code timeout}; kills it (SIGKILL) if it has not exited by then. */
  Stopped terminate(Duration timeout) {
    ChildProcess.Stopped s = child.terminate(timeout);
    return new Stopped(s.exitCode(), s.took(), s.inTime());
  }

  /** Waits for the process to exit on its own. */
  boolean waitFor(Duration timeout) {
    return child.waitFor(timeout);
  }

  /** Stops the process if still running: SIGTERM, then SIGKILL after 20 s. */
  @Override
  public void close() {
    child.close();
  }
}
