package io.flowmesh.systemtests;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kills, at JVM exit, every child process a test started and did not stop (a failed assertion, a
 * timeout, an interrupted build): nothing started here may outlive the test JVM. Besides the
 * registered processes, every other child of the test JVM goes too (the Kafka broker's, whose
 * {@link Process} its launcher keeps to itself).
 *
 * <h2>Concurrency</h2>
 * Thread-safe: processes are registered from test threads and killed from the shutdown hook.
 */
final class ProcessReaper {

  private static final Set<ProcessHandle> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ProcessReaper::killAll, "process-reaper"));
  }

  private ProcessReaper() {
  }

  /** Installs the exit hook (loading this class does), for a test whose children are all started by library code. */
  static void install() {
  }

  /** Watches {@code process} (and, at exit, its descendants) until it ends. */
  static void register(Process process) {
    ProcessHandle handle = process.toHandle();
    LIVE.add(handle);
    handle.onExit().thenRun(() -> LIVE.remove(handle));
  }

  private static void killAll() {
    for (ProcessHandle p : LIVE) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    // children started by library code that hands out no Process (e.g. the Kafka broker's JVM)
    ProcessHandle.current().children().forEach(c -> {
      c.descendants().forEach(ProcessHandle::destroyForcibly);
      c.destroyForcibly();
    });
  }
}
