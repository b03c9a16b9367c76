package io.flowmesh.map;

import io.flowmesh.pipeline.process.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The uppercase UDF built on Numaflow's official Java SDK ({@code examples/numaflow-sdk-udf}),
 * run from its shaded jar as a child JVM, as a user would run it, through the project's one
 * process launcher ({@link ChildProcess}). {@link #close()} kills it (SIGKILL): the SDK's shutdown
 * hook hangs on SIGTERM.
 */
final class NumaflowSdkUdfProcess implements AutoCloseable {

  private static final AtomicInteger STARTED = new AtomicInteger();

  private final ChildProcess process;

  private NumaflowSdkUdfProcess(ChildProcess process) {
    this.process = process;
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
  static NumaflowSdkUdfProcess start(Path workDir, String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar().toString()));
    command.addAll(List.of(args));
    String name = "numaflow-sdk-udf-" + STARTED.incrementAndGet();
    NumaflowSdkUdfProcess udf = new NumaflowSdkUdfProcess(
        ChildProcess.start(name, command, Map.of(), workDir, workDir.resolve(name + ".log"), false));
    // a JVM start on a busy machine can take half a minute
    if (!udf.process.awaitLog(" listening on ", Duration.ofSeconds(90))) {
      udf.close();
      throw new AssertionError("the SDK UDF did not start\n" + udf.process.logTail(40));
    }
    return udf;
  }

  boolean isAlive() {
    return process.alive();
  }

  String output() {
    return process.logText();
  }

  @Override
  public void close() {
    process.kill();
  }
}
