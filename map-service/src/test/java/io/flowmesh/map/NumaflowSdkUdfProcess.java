package io.flowmesh.map;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The uppercase UDF built on Numaflow's official Java SDK ({@code examples/numaflow-sdk-udf}),
 * run from its shaded jar as a child JVM, as a user would run it. {@link #close()} kills it
 * (SIGKILL): the SDK's shutdown hook hangs on SIGTERM.
 */
final class NumaflowSdkUdfProcess implements AutoCloseable {

  private final Process process;
  private final CompletableFuture<String> listening = new CompletableFuture<>();
  private final List<String> output = new ArrayList<>();

  private NumaflowSdkUdfProcess(Path jar, List<String> args, Path workDir) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    builder.environment().remove("NUMAFLOW_POD");
    process = builder.start();
    Thread reader = new Thread(this::readOutput, "numaflow-sdk-udf-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** The shaded jar, built by the reactor before map-service ({@code map-service/pom.xml} depends on its module). */
  static Path jar() {
    Path jar = Path.of(System.getProperty("basedir", "."), "..", "examples", "numaflow-sdk-udf", "target", "numaflow-sdk-udf.jar")
        .toAbsolutePath().normalize();
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError(jar + " is missing; build with the reactor: mvn -B verify -pl map-service -am");
    }
    return jar;
  }

  /** Starts {@code java -jar numaflow-sdk-udf.jar args...} and waits for its listening line. */
  static NumaflowSdkUdfProcess start(Path workDir, String... args) throws IOException {
    NumaflowSdkUdfProcess udf = new NumaflowSdkUdfProcess(jar(), List.of(args), workDir);
    try {
      udf.listening.get(90, TimeUnit.SECONDS); // a JVM start on a busy machine can take half a minute
    } catch (Exception e) {
      udf.close();
      throw new AssertionError("the SDK UDF did not start; its output:\n" + udf.output(), e);
    }
    return udf;
  }

  boolean isAlive() {
    return process.isAlive();
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
      // the process is gone; the listening future says so below
    }
    listening.completeExceptionally(new IllegalStateException("the SDK UDF's output ended (process exited or was killed)"));
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
