package io.flowmesh.systemtests;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code scripts/run-local.sh --free-ports} running in a test: its output parsed for the
 * endpoints it printed, the processes it started, and its run folder.
 */
final class RunLocalScript implements AutoCloseable {

  static final Path SCRIPT = Project.path("scripts/run-local.sh");
  /** Light JVMs for the script's four processes. */
  static final String JAVA_OPTS = String.join(" ", JavaProcess.JVM_OPTIONS);

  private static final Pattern ENDPOINT = Pattern.compile("^\\s+(source|map|sink)\\s+(http://[^/\\s]+)/livez", Pattern.MULTILINE);
  private static final Pattern EDGE = Pattern.compile("\\(edge [^:]+:(\\d+)\\)");
  private static final Pattern UDF = Pattern.compile("^\\s+udf\\s+tcp://[^:]+:(\\d+)", Pattern.MULTILINE);
  private static final Pattern LOGS = Pattern.compile("^\\s+logs:\\s+(\\S+)", Pattern.MULTILINE);

  private final JavaProcess script;

  private RunLocalScript(JavaProcess script) {
    this.script = script;
  }

  /** Starts the script in {@code dir} (its working directory) with this environment and arguments. */
  static RunLocalScript start(Path dir, Map<String, String> env, String... args) {
    return start(List.of(), dir, env, args);
  }

  /**
   * As {@link #start(Path, Map, String...)}, in a process group of its own (whose id is the
   * script's pid), as a terminal runs a foreground command: {@link #interruptGroup()} then acts as
   * a Ctrl-C.
   */
  static RunLocalScript startInOwnGroup(Path dir, Map<String, String> env, String... args) {
    // A process started in the background of a non-interactive shell (as CI may start the build)
    // inherits SIGINT ignored, and bash can neither trap nor reset a signal ignored on entry:
    // python3 puts it back to the default before the script starts, as a terminal's shell has it.
    return start(List.of("setsid", PYTHON.toString(), "-c",
        "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])"), dir, env, args);
  }

  /** What {@link #startInOwnGroup} needs besides the script. */
  static final Path PYTHON = Path.of("/usr/bin/python3");

  private static RunLocalScript start(List<String> prefix, Path dir, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(prefix);
    command.add(SCRIPT.toString());
    command.addAll(List.of(args));
    Map<String, String> e = new LinkedHashMap<>(env);
    e.putIfAbsent("JAVA_OPTS", JAVA_OPTS);
    e.put("JAVA_HOME", System.getProperty("java.home"));
    return new RunLocalScript(JavaProcess.start("run-local", command, e, dir));
  }

  /** SIGINT to every process of the script's group (started with {@link #startInOwnGroup}): a terminal's Ctrl-C. */
  void interruptGroup() throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-INT", "--", "-" + script.process().pid()).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -INT of group " + script.process().pid() + " failed");
    }
  }

  JavaProcess process() {
    return script;
  }

  String output() {
    return script.logText();
  }

  /** Waits until the script printed its endpoints (everything ready). */
  void awaitRunning(Duration timeout) {
    script.awaitLog("Ctrl-C stops everything.", timeout);
  }

  /** The base URLs it printed, by service. */
  Map<String, String> endpoints() {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = ENDPOINT.matcher(output());
    while (m.find()) {
      out.put(m.group(1), m.group(2));
    }
    return out;
  }

  /** Every port it printed: HTTP, edges, the example UDF's. */
  List<Integer> ports() {
    List<Integer> ports = new ArrayList<>();
    endpoints().values().forEach(u -> ports.add(Integer.parseInt(u.substring(u.lastIndexOf(':') + 1))));
    Matcher e = EDGE.matcher(output());
    while (e.find()) {
      ports.add(Integer.parseInt(e.group(1)));
    }
    Matcher u = UDF.matcher(output());
    if (u.find()) {
      ports.add(Integer.parseInt(u.group(1)));
    }
    return ports;
  }

  /** The run folder it printed (logs), or null. */
  Path runFolder() {
    Matcher m = LOGS.matcher(output());
    return m.find() ? Path.of(m.group(1)) : null;
  }

  /** The processes the script has started (its descendants), with their command lines. */
  List<ProcessHandle> children() {
    return script.process().toHandle().descendants().toList();
  }

  static String commandLine(ProcessHandle p) {
    return p.info().commandLine().orElse("?");
  }

  @Override
  public void close() {
    List<ProcessHandle> left = children();
    script.close();
    left.forEach(ProcessHandle::destroyForcibly);
  }
}
