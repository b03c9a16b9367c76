package io.flowmesh.pipeline.run;

import io.flowmesh.pipeline.plan.RunPlan;
import io.flowmesh.pipeline.plan.ServicePlan;
import io.flowmesh.pipeline.plan.Translator;
import io.flowmesh.pipeline.plan.UdfPlan;
import io.flowmesh.pipeline.spec.PipelineSpec;
import io.flowmesh.pipeline.spec.SpecException;
import io.flowmesh.pipeline.spec.SpecOverrides;
import io.flowmesh.pipeline.spec.SpecParser;
import io.flowmesh.pipeline.deploy.Deployment;
import io.flowmesh.runtime.tls.TlsOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code java -jar flowmesh-pipeline.jar [options] SPEC.yaml}: checks the spec, then runs it on
 * this machine ({@link Runner}); {@code --dry-run} prints what it would start instead. Exit status:
 * 0 done (complete, or stopped by Ctrl-C/SIGTERM), 1 could not start, 2 a bad spec or command line.
 */
public final class Main {

  static final String USAGE = """
      Usage: scripts/run-spec.sh [options] SPEC.yaml
             scripts/run-spec.sh --render compose [--out FILE] [--set ...] SPEC.yaml
             scripts/run-spec.sh --render helm-values [--out FILE] [--set ...] SPEC.yaml
             java -jar pipeline/target/flowmesh-pipeline.jar [options] SPEC.yaml

      Runs a pipeline spec (docs/pipelines.md) on this machine as processes: every UDF the spec
      gives a command or builtin for, then every vertex's service; waits until all are ready,
      prints the endpoints and a progress line per vertex, and stops everything on Ctrl-C or
      SIGTERM (sources first), or by itself once every source has every message acked.

      Options:
        --dry-run          check the spec and print the processes and settings it would start; start nothing.
                           Always, before anything starts or is rendered: every vertex's settings checked by its
                           service's own jar (java -jar <service>.jar --check), every builtin UDF's by flowmesh-udf.jar
        --render compose   write the spec as a compose file instead (services, health checks, start
                           order, scale; docs/pipelines.md); to standard output, or to --out FILE
        --render helm-values  write the spec as a values file of the Helm chart deploy/helm/flowmesh
                           (docs/running.md, "Running on Kubernetes")
        --out FILE         where --render writes (its build context is this repository, relative to FILE)
        --interval SECS    seconds between progress lines (default 5)
        --ready-timeout SECS  how long to wait for every service to be ready (default 120)
        --keep-running     stay up after a bounded run is complete, until Ctrl-C
        --console-port N   the port of the web console started beside the pipeline (default: a free one;
                           docs/console.md: the graph with live numbers, at http://127.0.0.1:N/)
        --no-console       do not start the console
        --run-dir DIR      where the logs and the settings files go (default .run/<pipeline>-<time>-<pid>);
                           ${run} in the spec's settings and commands stands for it
        --set VERTEX:KEY=VALUE  a setting of one vertex (as in its settings:), winning over the file;
                           e.g. --set in:source.count=10000 for a bounded run (repeatable)
        -h, --help         this help

      Environment: JAVA_OPTS, JVM options for every service and builtin UDF (default -Xmx256m).
      FLOWMESH_* variables do not reach the services: the spec configures them.
      """;

  private Main() {
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out));
  }

  static int run(String[] args, PrintStream out) {
    return run(args, out, ConfigCheck::problems);
  }

  /** As {@link #run(String[], PrintStream)}, every process's configuration checked by {@code checker}. */
  static int run(String[] args, PrintStream out, ConfigCheck.Checker checker) {
    Path specFile = null;
    boolean dryRun = false;
    boolean keepRunning = false;
    int consolePort = 0;
    Duration interval = Duration.ofSeconds(5);
    Duration readyTimeout = Duration.ofSeconds(120);
    Path runDir = null;
    String render = null;
    Path renderOut = null;
    List<String> sets = new ArrayList<>();
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "-h", "--help" -> {
            out.print(USAGE);
            return 0;
          }
          case "--dry-run" -> dryRun = true;
          case "--keep-running" -> keepRunning = true;
          case "--console-port" -> consolePort = port(a, args, ++i);
          case "--no-console" -> consolePort = -1;
          case "--interval" -> interval = Duration.ofSeconds(seconds(a, args, ++i));
          case "--ready-timeout" -> readyTimeout = Duration.ofSeconds(seconds(a, args, ++i));
          case "--run-dir" -> runDir = Path.of(value(a, args, ++i));
          case "--set" -> sets.add(value(a, args, ++i));
          case "--render" -> {
            render = value(a, args, ++i);
            if (!render.equals("compose") && !render.equals("helm-values")) {
              throw new IllegalArgumentException("--render takes compose or helm-values, not '" + render + "'");
            }
          }
          case "--out" -> renderOut = Path.of(value(a, args, ++i));
          default -> {
            if (a.startsWith("-") || specFile != null) {
              throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            specFile = Path.of(a);
          }
        }
      }
      if (specFile == null) {
        throw new IllegalArgumentException("no spec file given");
      }
      if (renderOut != null && render == null) {
        throw new IllegalArgumentException("--out goes with --render");
      }
    } catch (IllegalArgumentException e) {
      out.println("flowmesh-pipeline: " + e.getMessage() + "\n\n" + USAGE);
      return 2;
    }
    Path root = root();
    List<String> java = new ArrayList<>();
    java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String opts = System.getenv().getOrDefault("JAVA_OPTS", "-Xmx256m").strip();
    if (!opts.isEmpty()) {
      java.addAll(List.of(opts.split("\\s+")));
    }
    String token = HexFormat.of().formatHex(randomBytes());
    if (render != null) {
      // A file a rendered setting names (a TLS certificate, say) is a path in the container, mounted
      // there from a secret or a volume: that this machine has no such file says nothing.
      Function<Deployment, List<String>> check = d -> inTempDir(dir -> checker.problems(CheckTargets.of(d, java, root, dir, token), dir))
          .stream().filter(p -> !p.endsWith(TlsOptions.NO_READABLE_FILE)).toList();
      return render.equals("compose") ? Render.compose(specFile, sets, root, renderOut, out, check)
          : Render.helmValues(specFile, sets, renderOut, out, check);
    }
    List<String> builtin = new ArrayList<>(java);
    builtin.add("-jar");
    builtin.add(CheckTargets.builtinJar(root).toString());
    RunPlan translated;
    FreePorts ports = new FreePorts();
    try {
      PipelineSpec spec = SpecOverrides.apply(SpecParser.load(specFile), sets);
      translated = Translator.forThisBuild(ports, builtin).translate(spec, token);
    } catch (SpecException e) {
      out.println("flowmesh-pipeline: " + e.getMessage());
      return 2;
    }
    RunPlan plan = translated;
    if (dryRun) {
      // ${run} stands for a folder that exists, as the run folder will
      List<String> problems = inTempDir(dir -> checker.problems(CheckTargets.of(plan, java, root, dir, token), dir));
      if (!problems.isEmpty()) {
        out.println("flowmesh-pipeline: " + new SpecException(plan.spec().origin(), problems).getMessage());
        return 2;
      }
      printNamespaceIgnored(plan, out);
      printPlan(plan, out);
      return 0;
    }
    if (runDir == null) {
      String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
      runDir = root.resolve(".run").resolve(plan.spec().name() + "-" + stamp + "-" + ProcessHandle.current().pid());
    }
    runDir = runDir.toAbsolutePath();
    boolean created = !Files.exists(runDir);
    List<String> problems;
    try {
      Files.createDirectories(runDir);
      problems = checker.problems(CheckTargets.of(plan, java, root, runDir, token), runDir);
    } catch (IOException | UncheckedIOException e) {
      out.println("flowmesh-pipeline: cannot prepare the run folder " + runDir + ": " + e.getMessage());
      return 1;
    }
    if (!problems.isEmpty()) {
      out.println("flowmesh-pipeline: " + new SpecException(plan.spec().origin(), problems).getMessage());
      if (created) {
        deleteTree(runDir); // nothing ran: no run folder left behind
      }
      return 2;
    }
    printNamespaceIgnored(plan, out);
    List<String> ignored = System.getenv().keySet().stream().filter(k -> k.startsWith("FLOWMESH_")).sorted().toList();
    if (!ignored.isEmpty()) {
      out.println("flowmesh-pipeline: not passed to the services (the spec configures them): " + String.join(", ", ignored));
    }
    Runner.Console console = consolePort < 0 ? null : new Runner.Console(specFile.toAbsolutePath(),
        consolePort == 0 ? ports.getAsInt() : consolePort);
    Runner runner = new Runner(plan, token, new Runner.Options(root, runDir, java, interval, readyTimeout,
        keepRunning, out, console));
    Thread hook = new Thread(runner::stop, "pipeline-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    return runner.run();
  }

  /** What {@code work} returns, given a fresh temporary folder that is deleted afterwards. */
  private static <T> T inTempDir(Function<Path, T> work) {
    Path dir;
    try {
      dir = Files.createTempDirectory("flowmesh-check-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary folder for the configuration check: " + e.getMessage(), e);
    }
    try {
      return work.apply(dir);
    } finally {
      deleteTree(dir);
    }
  }

  /** Deletes {@code dir} and what it holds, as far as it can. */
  private static void deleteTree(Path dir) {
    try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
      all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // left behind: a temporary folder, or a run folder that holds only configs and check logs
    }
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return b;
  }

  /** That the spec's {@code metadata.namespace}, if it has one, means nothing to processes on this machine: once, before they start. */
  private static void printNamespaceIgnored(RunPlan plan, PrintStream out) {
    if (plan.spec().namespace() != null) {
      out.println("flowmesh-pipeline: metadata.namespace '" + plan.spec().namespace() + "' has no meaning for a local run; ignored");
    }
  }

  /** The settings of every process, the edge token masked. */
  static void printPlan(RunPlan plan, PrintStream out) {
    out.println("Pipeline '" + plan.spec().name() + "': " + plan.services().size() + " service processes, " + plan.udfs().size()
        + " UDF processes (ports are picked again at each run)");
    for (UdfPlan u : plan.udfs()) {
      out.println("  " + u.process() + " (UDF of " + u.vertex() + ", " + u.address() + "): " + String.join(" ", u.command())
          + (u.env().isEmpty() ? "" : "  env " + u.env()));
    }
    for (String vertex : plan.order()) {
      for (ServicePlan s : plan.servicesOf(vertex)) {
        out.println("  " + s.process() + " (" + s.kind().service() + "-service):");
        for (Map.Entry<String, String> e : s.settings().entrySet()) {
          out.println("    " + e.getKey() + "=" + (e.getKey().equals("edge.token") ? "***" : e.getValue()));
        }
      }
    }
  }

  private static long seconds(String flag, String[] args, int i) {
    String v = value(flag, args, i);
    try {
      long n = Long.parseLong(v);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException(flag + " takes whole seconds (1 or more), not '" + v + "'");
  }

  private static int port(String flag, String[] args, int i) {
    String v = value(flag, args, i);
    try {
      int n = Integer.parseInt(v);
      if (n >= 1 && n <= 65535) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException(flag + " takes a port, 1 to 65535, not '" + v + "'");
  }

  private static String value(String flag, String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  /** The repository: system property flowmesh.root, else two levels above this jar (pipeline/target/). */
  static Path root() {
    String configured = System.getProperty("flowmesh.root");
    if (configured != null) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    try {
      Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path root = jar.getParent().getParent().getParent();
      if (root != null && Files.isRegularFile(root.resolve("pom.xml"))) {
        return root.toAbsolutePath().normalize();
      }
    } catch (URISyntaxException | RuntimeException e) {
      // fall back to the working directory
    }
    return Path.of("").toAbsolutePath();
  }
}
