package io.flowmesh.systemtests;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kills, at JVM exit, every child process a test started and did not stop (a failed assertion, a
 * timeout, an interrupted build): nothing started here may outlive the test JVM.
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
  }
}
