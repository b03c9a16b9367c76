package io.flowmesh.examples.numaflow;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The SDK UDF running in a child JVM on this test's class path, as a user would run it.
 *
 * <p>A child process, not a thread: the SDK registers a JVM shutdown hook that calls
 * {@code System.exit} and so never returns, which would hang the test JVM at exit. For the same
 * reason {@link #close()} kills the child (SIGKILL) rather than asking it to stop.
 */
final class SdkUdfProcess implements AutoCloseable {

  private final Process process;
  private final CompletableFuture<String> listening = new CompletableFuture<>();
  private final List<String> output = new ArrayList<>();

  private SdkUdfProcess(List<String> args, Path workDir) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"),
        NumaflowSdkUdf.class.getName()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    builder.environment().remove("NUMAFLOW_POD");
    process = builder.start();
    Thread reader = new Thread(this::readOutput, "sdk-udf-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts the UDF with these arguments and waits for its listening line. */
  static SdkUdfProcess start(Path workDir, String... args) throws Exception {
    SdkUdfProcess udf = new SdkUdfProcess(List.of(args), workDir);
    try {
      udf.listening.get(90, TimeUnit.SECONDS); // a JVM start on a busy machine can take half a minute
    } catch (Exception e) {
      udf.close();
      throw new AssertionError("SDK UDF did not start: " + udf.output(), e);
    }
    return udf;
  }

  /** Starts the UDF with these arguments without waiting for anything (for a start that should fail). */
  static SdkUdfProcess launch(Path workDir, String... args) throws IOException {
    return new SdkUdfProcess(List.of(args), workDir);
  }

  /** Waits up to {@code seconds} for the process to exit and returns its status; -1 if it is still running. */
  int awaitExit(long seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
  }

  /** Whether {@code text} appears in the output within {@code seconds} (read on its own thread). */
  boolean awaitOutput(String text, long seconds) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!output().contains(text)) {
      if (System.nanoTime() > until) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  synchronized String output() {
    return String.join("\n", output);
  }

  private void readOutput() {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        synchronized (this) {
          output.add(line);
        }
        if (line.contains(" listening on ")) {
          listening.complete(line);
        }
      }
    } catch (IOException e) {
      // the process is gone, or going: its exit is reported below
    }
    // The output can end a moment before the process has exited (exitValue() would throw then).
    process.onExit().thenAccept(p -> listening.completeExceptionally(
        new IllegalStateException("the SDK UDF exited with status " + p.exitValue() + " before it listened")));
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
