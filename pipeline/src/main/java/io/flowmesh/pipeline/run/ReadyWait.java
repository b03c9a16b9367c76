package io.flowmesh.pipeline.run;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for started processes to be ready: polls each one's {@code /readyz} every 200 ms until all
 * answer 200, a process ends, the run is stopped, or a deadline passes.
 *
 * <p>Concurrency: blocks the calling thread (the runner's main thread).
 */
final class ReadyWait {

  private static final Duration POLL = Duration.ofMillis(200);

  private ReadyWait() {
  }

  /**
   * @param ports each process's HTTP port, by name
   * @param stopping true once the run is being stopped
   * @param exited why a process ended, or null while all run
   * @return null when all are ready, else why not: "stopped", what {@code exited} said, or each
   *     process not ready after {@code timeout} with its last answer
   */
  static String await(Map<String, Integer> ports, BooleanSupplier stopping, Supplier<String> exited, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Set<String> ready = new HashSet<>();
    while (ready.size() < ports.size()) {
      if (stopping.getAsBoolean()) {
        return "stopped";
      }
      String why = exited.get();
      if (why != null) {
        return why;
      }
      ports.forEach((name, port) -> {
        if (!ready.contains(name)) {
          Http.Response r = Http.get("http://127.0.0.1:" + port + "/readyz");
          if (r != null && r.status() == 200) {
            ready.add(name);
          }
        }
      });
      if (System.nanoTime() > deadline) {
        StringBuilder report = new StringBuilder("not ready after " + timeout.toSeconds() + " s:");
        ports.forEach((name, port) -> {
          if (!ready.contains(name)) {
            Http.Response r = Http.get("http://127.0.0.1:" + port + "/readyz");
            report.append("\n  ").append(name).append(": ").append(r == null ? "no answer" : r.status() + " " + r.body());
          }
        });
        return report.toString();
      }
      pause(POLL);
    }
    return null;
  }

  /** Sleeps {@code d}; an interrupt ends it early and stays set. */
  static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
