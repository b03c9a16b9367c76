package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** scripts/run-spec.sh as a test runs it: start, wait for a bounded run to end, the pids it printed. */
final class SpecRun {

  private static final Pattern PID = Pattern.compile("\\(pid (\\d+)\\)");
  /** A sink's progress line: {@code [   12s] out    sink   in 3000 (250/s)}. */
  private static final Pattern SINK_LINE = Pattern.compile("(\\S+)\\s+sink\\s+in (\\d+)");
  private static final Map<String, String> ENV = Map.of("JAVA_OPTS", String.join(" ", JavaProcess.JVM_OPTIONS));

  private SpecRun() {
  }

  /** Starts scripts/run-spec.sh with these arguments, its output in {@code dir}. */
  static JavaProcess start(Path dir, String... args) {
    List<String> command = new ArrayList<>(List.of(Project.path("scripts/run-spec.sh").toString()));
    command.addAll(List.of(args));
    return JavaProcess.start("run-spec", command, ENV, dir);
  }

  /**
   * Waits for a bounded run to end by itself (the sources' counts all acked): it fails only when
   * the run stops progressing — the runner's output while it starts, then the sum of the sinks'
   * counts in its progress lines (the runner's own ready timeout is 120 s). Then the runner must
   * have exited 0; its output is returned.
   */
  static String awaitBoundedRun(JavaProcess runner) {
    Await.whileProgressing("the bounded run to end", Duration.ofSeconds(150), () -> !runner.alive(), () -> {
      String out = runner.logText();
      return out.contains("Ctrl-C stops") ? sinkProgress(out) : out.length();
    }, () -> runner.logTail(40));
    String output = runner.logText();
    assertEquals(0, runner.process().exitValue(), output);
    return output;
  }

  /** The count of each sink's last progress line ({@code <name>  sink  in <n>}), summed. */
  static long sinkProgress(String output) {
    Matcher m = SINK_LINE.matcher(output);
    Map<String, Long> last = new java.util.HashMap<>();
    while (m.find()) {
      last.put(m.group(1), Long.parseLong(m.group(2)));
    }
    return last.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The pids the runner printed for its processes (services and UDFs). */
  static List<Long> pids(String output) {
    List<Long> out = new ArrayList<>();
    Matcher m = PID.matcher(output);
    while (m.find()) {
      out.add(Long.parseLong(m.group(1)));
    }
    return out;
  }

  /** Fails if any of the processes the runner printed still runs. */
  static void assertNoneLeft(String output) {
    for (long pid : pids(output)) {
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
          "process " + pid + " still running after the runner exited");
    }
  }
}
