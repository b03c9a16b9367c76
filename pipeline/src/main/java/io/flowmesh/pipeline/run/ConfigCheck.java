package io.flowmesh.pipeline.run;

import io.flowmesh.pipeline.process.ChildProcess;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks every process's configuration before anything starts, by the code that reads it at
 * start: each target is a service's or builtin UDF's own jar run with {@code --check} and the
 * config and environment its start gets ({@link CheckTargets}). The targets run at once (each is a
 * JVM start); every problem of every one is returned, each line naming its vertex.
 *
 * <h2>Concurrency</h2>
 * {@link #problems} blocks its caller until every check ended; the checks run in parallel as processes.
 */
final class ConfigCheck {

  /** How long a check may take; one JVM start, loading the config and nothing more, takes about a second. */
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  /**
   * One process to check.
   *
   * @param name a file name for its output ({@code <name>.check.log})
   * @param label what its problems are reported under ({@code vertex 'in'}, {@code vertex 'up': udf.builtin})
   * @param command its command line, {@code --check} included; the jar follows {@code -jar}
   * @param env what its start adds to the environment
   */
  record Target(String name, String label, List<String> command, Map<String, String> env) {

    Target {
      command = List.copyOf(command);
      env = Map.copyOf(env);
    }

    /** The jar it runs, or null. */
    Path jar() {
      int i = command.indexOf("-jar");
      return i < 0 || i + 1 >= command.size() ? null : Path.of(command.get(i + 1));
    }
  }

  /** Runs the checks: {@link ConfigCheck#problems} or, in tests, a stand-in. */
  @FunctionalInterface
  interface Checker {
    /** Every problem of the targets, each line naming its vertex; empty when all are valid. */
    List<String> problems(List<Target> targets, Path logDir);
  }

  private ConfigCheck() {
  }

  /**
   * Runs every target, its output in {@code logDir}, and returns every problem; a missing jar is
   * one line naming it (and nothing runs).
   */
  static List<String> problems(List<Target> targets, Path logDir) {
    List<String> missing = targets.stream().map(Target::jar).filter(j -> j != null && !Files.isRegularFile(j)).distinct()
        .map(j -> "missing " + j + ": build first (mvn -B -q package -DskipTests)").toList();
    if (!missing.isEmpty()) {
      return missing;
    }
    List<ChildProcess> started = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    try {
      for (Target t : targets) {
        started.add(ChildProcess.start(t.name() + " check", t.command(), t.env(), Path.of("").toAbsolutePath(),
            logDir.resolve(t.name() + ".check.log"), true));
      }
      long until = System.nanoTime() + TIMEOUT.toNanos();
      for (int i = 0; i < started.size(); i++) {
        ChildProcess p = started.get(i);
        Target t = targets.get(i);
        if (!p.waitFor(Duration.ofNanos(Math.max(0, until - System.nanoTime())))) {
          problems.add(t.label() + ": the check of its configuration did not end within " + TIMEOUT.toSeconds() + " s; see " + p.log());
        } else if (p.process().exitValue() != 0) {
          problems.addAll(report(t.label(), p.process().exitValue(), p.logText()));
        }
      }
    } catch (UncheckedIOException e) {
      problems.add(e.getMessage());
    } finally {
      started.stream().filter(ChildProcess::alive).forEach(ChildProcess::kill);
    }
    return problems;
  }

  /**
   * The problem lines of a check that refused (status 2): a service's invalid-configuration report
   * ({@code <service>: invalid configuration:}, then one indented line per problem), or a UDF's
   * message (its usage line left out); each under {@code label}. Any other status: that status and
   * the output's end.
   */
  static List<String> report(String label, int status, String output) {
    List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
    int header = -1;
    for (int i = 0; i < lines.size() && header < 0; i++) {
      if (lines.get(i).endsWith(": invalid configuration:")) {
        header = i;
      }
    }
    List<String> found = new ArrayList<>();
    for (int i = header + 1; i < lines.size(); i++) {
      String l = lines.get(i);
      if (header >= 0 ? l.startsWith(" ") : !l.startsWith("usage:")) {
        // the config file is the runner's own: the values come from the spec
        found.add(label + ": " + l.strip().replace(" (from the config file)", ""));
      }
    }
    if (status != 2 || found.isEmpty()) {
      List<String> tail = lines.subList(Math.max(0, lines.size() - 5), lines.size());
      return List.of(label + ": the check of its configuration exited with status " + status
          + (tail.isEmpty() ? "" : ": " + String.join(" / ", tail)));
    }
    return found;
  }
}
