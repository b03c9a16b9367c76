package io.flowmesh.examples.numaflow;

import io.flowmesh.pipeline.process.ChildProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SDK UDF running in a child JVM on this test's class path, as a user would run it, through
 * the project's one process launcher ({@link ChildProcess}); its output goes to a log file in the
 * work directory.
 *
 * <p>A child process, not a thread: the SDK registers a JVM shutdown hook that calls
 * {@code System.exit} and so never returns, which would hang the test JVM at exit. For the same
 * reason {@link #close()} kills the child (SIGKILL) rather than asking it to stop.
 */
final class SdkUdfProcess implements AutoCloseable {

  private static final AtomicInteger STARTED = new AtomicInteger();

  private final ChildProcess process;

  private SdkUdfProcess(ChildProcess process) {
    this.process = process;
  }

  /** Starts the UDF with these arguments without waiting for anything (for a start that should fail). */
  static SdkUdfProcess launch(Path workDir, String... args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"),
        NumaflowSdkUdf.class.getName()));
    command.addAll(List.of(args));
    String name = "sdk-udf-" + STARTED.incrementAndGet();
    return new SdkUdfProcess(ChildProcess.start(name, command, Map.of(), workDir, workDir.resolve(name + ".log"), false));
  }

  /** Starts the UDF with these arguments and waits for its listening line. */
  static SdkUdfProcess start(Path workDir, String... args) {
    SdkUdfProcess udf = launch(workDir, args);
    // a JVM start on a busy machine can take half a minute
    if (!udf.process.awaitLog(" listening on ", Duration.ofSeconds(90))) {
      udf.close();
      throw new AssertionError("SDK UDF did not start\n" + udf.process.logTail(40));
    }
    return udf;
  }

  /** Waits up to {@code seconds} for the process to exit and returns its status; -1 if it is still running. */
  int awaitExit(long seconds) {
    return process.waitFor(Duration.ofSeconds(seconds)) ? process.process().exitValue() : -1;
  }

  /** Whether {@code text} appears in the output within {@code seconds}. */
  boolean awaitOutput(String text, long seconds) {
    return process.awaitLog(text, Duration.ofSeconds(seconds));
  }

  String output() {
    return process.logText();
  }

  @Override
  public void close() {
    process.kill();
  }
}
