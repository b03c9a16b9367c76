package io.flowmesh.pipeline.run;

import io.flowmesh.pipeline.deploy.VertexAddresses;
import io.flowmesh.pipeline.plan.RunPlan;
import io.flowmesh.pipeline.plan.ServicePlan;
import io.flowmesh.pipeline.plan.UdfPlan;
import io.flowmesh.pipeline.process.ChildProcess;
import io.flowmesh.pipeline.spec.VertexKind;
import io.flowmesh.pipeline.spec.VertexSpec;
import io.flowmesh.runtime.config.HostPort;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a {@link RunPlan} on this machine: the UDF processes, then every vertex replica's service
 * (each with its settings in a config file in the run folder, the edge token in its environment),
 * waits until every service is ready, prints the endpoints and a progress line per vertex, and
 * stops everything — vertices from the sources down, then the UDFs — on {@link #stop()} (the
 * JVM's shutdown hook: Ctrl-C, SIGTERM) or by itself once every source has every message acked.
 *
 * <h2>Concurrency</h2>
 * {@link #run()} on the main thread; {@link #stop()} from any thread (the shutdown hook), once.
 */
public final class Runner {

  /**
   * How the runner is set up.
   *
   * @param console the web console to start beside the pipeline, or null for none
   */
  public record Options(Path root, Path runDir, List<String> javaCommand, Duration interval, Duration readyTimeout,
      boolean keepRunning, PrintStream out, Console console) {
  }

  /** The console (module console/) the runner starts once every service is ready: the spec's graph, on this port. */
  public record Console(Path spec, int port) {
  }

  private static final Duration SERVICE_STOP = Duration.ofSeconds(40);
  private static final Duration UDF_STOP = Duration.ofSeconds(30);

  private final RunPlan plan;
  private final Options options;
  private final String edgeToken;
  private final PrintStream out;
  private final Map<ServicePlan, ChildProcess> services = new LinkedHashMap<>();
  private final Map<UdfPlan, ChildProcess> udfs = new LinkedHashMap<>();
  private ChildProcess console;
  private final Object lock = new Object();
  private volatile boolean stopping;
  private boolean stopped;

  public Runner(RunPlan plan, String edgeToken, Options options) {
    this.plan = plan;
    this.edgeToken = edgeToken;
    this.options = options;
    this.out = options.out();
  }

  /**
   * Starts everything and runs until stopped or complete.
   *
   * @return 0 when the run completed or was stopped, 1 when it could not start
   */
  public int run() {
    try {
      start();
    } catch (UncheckedIOException e) {
      out.println("flowmesh-pipeline: " + e.getMessage());
      stop();
      return 1;
    }
    String failure = awaitReady();
    if (failure != null) {
      if (!stopping) {
        out.println("flowmesh-pipeline: " + failure);
      }
      stop();
      return stopping && failure.equals("stopped") ? 0 : 1;
    }
    startConsole();
    printEndpoints();
    loop();
    stop();
    return 0;
  }

  private void start() {
    Path dir = options.runDir();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the run folder " + dir + ": " + e.getMessage(), e);
    }
    Path cwd = Path.of("").toAbsolutePath();
    for (UdfPlan u : plan.udfs()) {
      out.println("flowmesh-pipeline: starting " + u.process() + " on " + u.address() + ": " + String.join(" ", u.command()));
      synchronized (lock) {
        if (stopping) {
          return;
        }
        List<String> command = u.command().stream().map(this::resolve).toList();
        Map<String, String> env = new LinkedHashMap<>();
        u.env().forEach((k, v) -> env.put(k, resolve(v)));
        udfs.put(u, ChildProcess.start(u.process(), command, env, cwd, dir.resolve(u.process() + ".log"), true));
      }
    }
    List<ServicePlan> downstreamFirst = new ArrayList<>();
    List<String> order = new ArrayList<>(plan.order());
    java.util.Collections.reverse(order);
    order.forEach(v -> downstreamFirst.addAll(plan.servicesOf(v)));
    for (ServicePlan s : downstreamFirst) {
      List<String> command = ServiceCommand.of(options.javaCommand(), options.root(), s, dir);
      synchronized (lock) {
        if (stopping) {
          return;
        }
        services.put(s, ChildProcess.start(s.process(), command, ServiceCommand.env(edgeToken), cwd, dir.resolve(s.process() + ".log"), true));
      }
    }
    out.println("flowmesh-pipeline: started " + services.size() + " services and " + udfs.size() + " UDF processes; logs in " + dir);
  }

  /** {@code text} with {@code ${run}} replaced by the run folder. */
  private String resolve(String text) {
    return ServiceCommand.resolve(text, options.runDir());
  }

  /** Null once every service is ready; else why not ("stopped" when stopping began). */
  private String awaitReady() {
    Map<String, Integer> ports = new LinkedHashMap<>();
    services.keySet().forEach(s -> ports.put(s.process(), s.httpPort()));
    return ReadyWait.await(ports, () -> stopping, this::firstExited, options.readyTimeout());
  }

  /** "X exited with status N during start" and the end of its log for the first process that ended, or null. */
  private String firstExited() {
    for (ChildProcess p : allProcesses()) {
      if (!p.alive()) {
        return p.name() + " exited with status " + p.process().exitValue() + " during start\n" + p.logTail(15);
      }
    }
    return null;
  }

  private List<ChildProcess> allProcesses() {
    synchronized (lock) {
      List<ChildProcess> all = new ArrayList<>(udfs.values());
      all.addAll(services.values());
      return all;
    }
  }

  /** The console's jar in this build. */
  private static Path consoleJar(Path root) {
    return root.resolve("console/target/flowmesh-console.jar");
  }

  /**
   * Starts the console, pointed at the spec and every replica's HTTP address, and waits (up to 30 s)
   * for its {@code /readyz}. A console that is missing or does not start is reported; the pipeline
   * runs on without it.
   */
  private void startConsole() {
    Console c = options.console();
    if (c == null) {
      return;
    }
    Path jar = consoleJar(options.root());
    if (!Files.isRegularFile(jar)) {
      out.println("flowmesh-pipeline: no console: " + jar + " is missing (mvn -B -q package -DskipTests builds it)");
      return;
    }
    Map<String, List<HostPort>> vertices = new LinkedHashMap<>();
    for (String vertex : plan.order()) {
      for (ServicePlan s : plan.servicesOf(vertex)) {
        vertices.computeIfAbsent(vertex, v -> new ArrayList<>()).add(new HostPort("127.0.0.1", s.httpPort()));
      }
    }
    List<String> command = new ArrayList<>(options.javaCommand());
    command.addAll(List.of("-jar", jar.toString(), "--console.spec=" + c.spec(), "--console.vertices=" + VertexAddresses.format(vertices),
        "--console.host=127.0.0.1", "--console.port=" + c.port()));
    ChildProcess started;
    synchronized (lock) {
      if (stopping) {
        return;
      }
      started = ChildProcess.start("console", command, Map.of(), Path.of("").toAbsolutePath(), options.runDir().resolve("console.log"), true);
      console = started;
    }
    String why = ReadyWait.await(Map.of("console", c.port()), () -> stopping, () -> started.alive() ? null
        : "it exited with status " + started.process().exitValue() + "\n" + started.logTail(10), Duration.ofSeconds(30));
    if (why != null && !stopping) {
      out.println("flowmesh-pipeline: the console did not start (" + why + "); the pipeline runs on without it; its log: " + started.log());
    }
  }

  private void printEndpoints() {
    out.println();
    out.println("Pipeline '" + plan.spec().name() + "' is running. Endpoints:");
    int width = allProcesses().stream().mapToInt(p -> p.name().length()).max().orElse(4);
    for (String vertex : plan.order()) {
      for (ServicePlan s : plan.servicesOf(vertex)) {
        String base = "http://127.0.0.1:" + s.httpPort();
        out.printf("  %-" + width + "s %-6s %s/livez %s/readyz %s/metrics %s/status%s  (pid %d)%n", s.process(), s.kind().service(),
            base, base, base, base, s.edgePort() > 0 ? "  edge 127.0.0.1:" + s.edgePort() : "", services.get(s).pid());
      }
    }
    udfs.forEach((u, p) -> out.printf("  %-" + width + "s %-6s %s (gRPC, UDF of %s)  (pid %d)%n", u.process(), "udf", u.address(),
        u.vertex(), p.pid()));
    for (VertexSpec v : plan.spec().vertices()) {
      v.udfs().stream().filter(u -> !u.startsHere()).forEach(u -> out.printf("  %-" + width + "s %-6s %s (yours, not started here)%n",
          v.name(), u.what(), u.address() != null ? u.address() : v.settings().get(u.addressKey())));
    }
    if (console != null && console.alive()) {
      out.printf("  %-" + width + "s %-6s http://127.0.0.1:%d/  (the pipeline as a graph, live)  (pid %d)%n", "console", "web",
          options.console().port(), console.pid());
    }
    out.println("  logs and settings: " + options.runDir());
    out.println("Ctrl-C stops everything.");
  }

  private void loop() {
    Map<String, VertexKind> kinds = new LinkedHashMap<>();
    plan.order().forEach(v -> kinds.put(v, plan.spec().vertex(v).orElseThrow().kind()));
    Progress progress = new Progress();
    progress.start(countsNow(kinds));
    long started = System.nanoTime();
    Set<String> reported = new HashSet<>();
    boolean complete = false;
    while (!stopping) {
      ReadyWait.pause(options.interval());
      if (stopping) {
        break;
      }
      for (ChildProcess p : allProcesses()) {
        if (!p.alive() && reported.add(p.name())) {
          out.println("flowmesh-pipeline: " + p.name() + " exited with status " + p.process().exitValue() + "; see " + p.log());
        }
      }
      if (services.values().stream().noneMatch(ChildProcess::alive)) {
        out.println("flowmesh-pipeline: every service has exited");
        return;
      }
      if (complete) {
        continue;
      }
      Map<String, Progress.Counts> now = countsNow(kinds);
      long elapsed = (System.nanoTime() - started) / 1_000_000_000L;
      progress.lines(elapsed, kinds, now).forEach(out::println);
      double[] bounded = sourcesComplete();
      if (bounded != null) {
        complete = true;
        // counted again: the counts above may predate the last acks that made the sources complete
        Map<String, Progress.Counts> last = countsNow(kinds);
        StringBuilder sinks = new StringBuilder();
        kinds.forEach((v, k) -> {
          if (k == VertexKind.SINK) {
            sinks.append(sinks.length() == 0 ? "" : ", ").append(v).append(' ').append(String.format("%.0f", last.get(v).in()));
          }
        });
        // from /status, read with "complete": the acked metric is published once per watermark tick
        double produced = bounded[0];
        double acked = bounded[1];
        out.printf("flowmesh-pipeline: run complete: %.0f produced, %.0f acked; the sinks wrote: %s%n", produced, acked, sinks);
        if (!options.keepRunning()) {
          return;
        }
        out.println("flowmesh-pipeline: --keep-running: the services stay up; Ctrl-C stops them");
      }
    }
  }

  /**
   * Every vertex's counts, read from the sinks up (reverse graph order): a vertex is read before
   * its upstream, so its count never runs ahead of what its upstream is shown to have sent.
   */
  private Map<String, Progress.Counts> countsNow(Map<String, VertexKind> kinds) {
    Map<String, Progress.Counts> now = new LinkedHashMap<>();
    Progress.readOrder(plan.order()).forEach(v -> now.put(v, Progress.counts(kinds.get(v), plan.servicesOf(v))));
    return now;
  }

  /**
   * Whether every source replica says its bounded run is complete (every message produced and
   * acked): then what they produced and acked, summed, else null.
   */
  private double[] sourcesComplete() {
    double produced = 0;
    double acked = 0;
    for (ServicePlan s : services.keySet()) {
      if (s.kind() == VertexKind.SOURCE) {
        Http.Response r = Http.get("http://127.0.0.1:" + s.httpPort() + "/status");
        JsonObject run = r == null || r.status() != 200 ? null : boundedRun(r.body());
        if (run == null || !run.getBoolean("complete", false)) {
          return null;
        }
        produced += run.getDouble("produced", 0.0);
        acked += run.getDouble("acked", 0.0);
      }
    }
    return new double[] {produced, acked};
  }

  /** The object of a source's {@code /status} that reports its bounded run (holds {@code complete}), or null. */
  static JsonObject boundedRun(String status) {
    try {
      return withKey(new JsonObject(status), "complete");
    } catch (RuntimeException e) { // not JSON: not complete
      return null;
    }
  }

  private static JsonObject withKey(JsonObject o, String key) {
    if (o.containsKey(key)) {
      return o;
    }
    for (String name : o.fieldNames()) {
      if (o.getValue(name) instanceof JsonObject inner) {
        JsonObject found = withKey(inner, key);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  /**
   * Stops everything once: each vertex's replicas (SIGTERM; killed if still running after 40 s),
   * from the sources down so nothing in flight is lost, then the UDF processes (killed after 30 s).
   */
  public void stop() {
    stopping = true;
    synchronized (lock) {
      if (stopped) {
        return;
      }
      stopped = true;
      if (console != null && console.alive()) {
        console.signalTerm();
        awaitStop(console);
      }
      if (services.isEmpty() && udfs.isEmpty()) {
        return;
      }
      out.println();
      out.println("flowmesh-pipeline: stopping (sources first, then downstream, then the UDFs)");
      for (String vertex : plan.order()) {
        List<ChildProcess> replicas = new ArrayList<>();
        for (ServicePlan s : plan.servicesOf(vertex)) {
          ChildProcess p = services.get(s);
          if (p != null && p.alive()) {
            p.signalTerm();
            replicas.add(p);
          }
        }
        replicas.forEach(this::awaitStop);
      }
      udfs.values().forEach(p -> {
        if (p.alive()) {
          p.signalTerm();
        }
      });
      udfs.values().forEach(this::awaitStop);
      out.println("flowmesh-pipeline: stopped; logs in " + options.runDir());
    }
  }

  private void awaitStop(ChildProcess p) {
    Duration limit = services.containsValue(p) ? SERVICE_STOP : UDF_STOP;
    if (!p.waitFor(limit)) {
      out.println("flowmesh-pipeline: " + p.name() + " did not stop within " + limit.toSeconds() + " s of SIGTERM: killing it");
      p.kill();
    }
  }
}
