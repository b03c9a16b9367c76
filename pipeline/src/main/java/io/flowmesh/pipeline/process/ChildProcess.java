package io.flowmesh.pipeline.process;

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
 * One child process as a user starts it: its own environment (the parent's without any {@code
 * FLOWMESH_*} variable, without {@code JAVA_TOOL_OPTIONS} and without {@code NUMAFLOW_POD}, which
 * would make a Numaflow SDK UDF ignore its TCP address; plus what the caller gives), stdout
 * and stderr appended to one log file. Stopping it sends SIGTERM, waits, and kills it and its
 * descendants if it has not exited in time. Used by the pipeline runner and by the process-level
 * tests (system-tests' {@code JavaProcess}, and the SDK UDF launchers of map-service's and
 * numaflow-sdk-udf's tests).
 *
 * <p>With {@code ownSession}, the child starts in a session of its own ({@code setsid}, where
 * there is one): a Ctrl-C in the terminal then reaches only the parent, which stops the children
 * in its own order, instead of every process at once.
 *
 * <h2>Concurrency</h2>
 * Thread-safe: the state is the {@link Process}, which is.
 */
public final class ChildProcess implements AutoCloseable {

  private static final Path SETSID = findSetsid();

  private final String name;
  private final Process process;
  private final Path log;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code command} in {@code dir}, its output appended to {@code log}.
   *
   * @param env variables added to the parent's environment (from which every {@code FLOWMESH_*}
   *     variable, {@code JAVA_TOOL_OPTIONS} and {@code NUMAFLOW_POD} are removed first)
   * @param ownSession start it in a session of its own, so that a terminal's Ctrl-C does not reach it
   * @throws UncheckedIOException when the command cannot be started (no such program, ...)
   */
  public static ChildProcess start(String name, List<String> command, Map<String, String> env, Path dir, Path log,
      boolean ownSession) {
    List<String> argv = new ArrayList<>();
    if (ownSession && SETSID != null) {
      argv.add(SETSID.toString());
    }
    argv.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().keySet().removeIf(k -> k.startsWith("FLOWMESH_") || k.equals("JAVA_TOOL_OPTIONS")
        || k.equals("NUMAFLOW_POD"));
    builder.environment().putAll(env);
    try {
      return new ChildProcess(name, builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + " (" + String.join(" ", command) + "): " + e.getMessage(), e);
    }
  }

  public String name() {
    return name;
  }

  public Process process() {
    return process;
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** The whole log so far ("" when there is none yet). */
  public String logText() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /**
   * Waits until the log holds {@code text}: true when it does, false when {@code timeout} passed
   * or the process exited without writing it.
   */
  public boolean awaitLog(String text, Duration timeout) {
    long until = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean exited = !process.isAlive(); // read before the log: what an exited process wrote is all there
      if (logText().contains(text)) {
        return true;
      }
      if (exited || System.nanoTime() - until > 0) {
        return false;
      }
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  /** The last {@code lines} lines of the log, labelled with the name and state, for error messages. */
  public String logTail(int lines) {
    List<String> all = logText().lines().toList();
    List<String> tail = all.subList(Math.max(0, all.size() - lines), all.size());
    return "--- " + name + " (" + (alive() ? "running" : "exited " + process.exitValue()) + "), last lines of " + log
        + "\n" + String.join("\n", tail);
  }

  /** How a process ended after SIGTERM: its exit code, how long it took, and whether it exited before the timeout. */
  public record Stopped(int exitCode, Duration took, boolean inTime) {
  }

  /** Sends SIGTERM without waiting. */
  public void signalTerm() {
    process.destroy();
  }

  /**
   * Sends SIGTERM and waits up to {@code timeout}; past it kills the process and its descendants
   * (SIGKILL) and waits for that.
   */
  public Stopped terminate(Duration timeout) {
    long start = System.nanoTime();
    process.destroy();
    boolean exited = waitFor(timeout);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    if (!exited) {
      kill();
    }
    return new Stopped(process.exitValue(), took, exited);
  }

  /** Kills the process and its descendants at once (SIGKILL) and waits for it. */
  public void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    waitFor(Duration.ofSeconds(10));
  }

  /** Waits for the process to exit on its own; false when it still runs after {@code timeout}. */
  public boolean waitFor(Duration timeout) {
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

  private static Path findSetsid() {
    for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
      Path p = Path.of(dir, "setsid");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }
}
