package io.flowmesh.udf;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a UDF from {@code main}: parses the command line, starts a {@link UdfServer}, prints
 * {@code udf <name> listening on <address> mode=<mode>} once it listens, and stops it on SIGTERM.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *   UdfMain.run("cat", args, (options, server) -> server.handler(new Cat()));
 * }
 * }</pre>
 *
 * A bad argument prints one line on stderr and exits with status 2; a server that cannot
 * listen exits with status 1. {@code --help} (or {@code -h}) prints the options, the UDF's own
 * included, {@code --version} the versions, and {@code --check} checks the arguments as a start
 * does (exit status 2 when one is bad); all three return without starting anything.
 */
public final class UdfMain {

  private static final Logger LOG = LoggerFactory.getLogger(UdfMain.class);
  private static final long START_TIMEOUT_SECONDS = 60;
  private static final long STOP_TIMEOUT_SECONDS = 10;

  /** Configures a server from the UDF's options: sets its handler, and whatever else it needs. */
  @FunctionalInterface
  public interface Setup {
    /**
     * @param args the command line, to read the UDF's own options from
     * @param server the server to configure; not started yet
     * @throws UsageException for a bad option value
     */
    void configure(UdfArgs args, UdfServer server);
  }

  private UdfMain() {
  }

  /** The flag that asks for the arguments to be checked, and nothing started. */
  public static final String CHECK = "--check";

  /** {@link #launch} printed the help, the version or the check's verdict, and started nothing. */
  static final int PRINTED = -1;

  /**
   * Runs the UDF named {@code name}; returns once it listens (or once it printed {@code --help}
   * or {@code --version}), or exits the process on failure.
   */
  public static void run(String name, String[] args, Setup setup) {
    Class<?> caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass();
    int status = launch(name, caller, List.of(args), System.getenv(), setup, System.out, System.err, true);
    if (status > 0) {
      System.exit(status);
    }
  }

  static int launch(String name, List<String> args, Map<String, String> env, Setup setup,
      PrintStream out, PrintStream err) {
    return launch(name, UdfMain.class, args, env, setup, out, err, false);
  }

  /**
   * Starts the UDF and returns 0 once it listens, or prints why it cannot and returns 2 (bad
   * arguments) or 1 (cannot listen); {@link #PRINTED} after {@code --help} or {@code --version}.
   * {@code mainClass} is the class whose jar's version {@code --version} names. With {@code
   * collectBeforeListening} (a process of its own), one full collection runs once the UDF is
   * configured and before its server listens: what start-up left live moves to the old generation
   * at once, instead of being copied by each young collection of the first minutes (21–61 ms
   * pauses each in the example UDF at 1,000 requests/s; 3–5 ms with it).
   */
  static int launch(String name, Class<?> mainClass, List<String> args, Map<String, String> env, Setup setup,
      PrintStream out, PrintStream err, boolean collectBeforeListening) {
    if (UdfArgs.wantsVersion(args)) {
      out.println("udf " + UdfVersion.line(name, mainClass));
      return PRINTED;
    }
    if (UdfArgs.wantsHelp(args)) {
      out.print(help(name, setup));
      out.flush();
      return PRINTED;
    }
    if (args.contains(CHECK)) {
      List<String> rest = args.stream().filter(a -> !a.equals(CHECK)).toList();
      return check(name, rest, env, setup, out, err) == 0 ? PRINTED : 2;
    }
    Configured c = configure(name, args, env, setup, err);
    if (c == null) {
      return 2;
    }
    UdfArgs parsed = c.args();
    UdfServer server = c.server();
    Vertx vertx = c.vertx();
    if (collectBeforeListening) {
      System.gc(); // before the server listens (and writes its server-info file): no caller waits on it
    }
    UdfAddress address;
    try {
      address = server.start().await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      err.println("udf " + name + ": cannot serve on " + parsed.serverOptions().address() + ": " + e.getMessage());
      vertx.close();
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(name, server, vertx), "udf-shutdown"));
    out.println("udf " + name + " listening on " + address + " mode=" + parsed.serverOptions().mode());
    out.flush();
    return 0;
  }

  /**
   * Checks the arguments as a start does and starts nothing ({@code --check}): prints {@code udf
   * <name>: arguments are valid} and returns 0, or prints why not on {@code err} and returns 2.
   */
  static int check(String name, List<String> args, Map<String, String> env, Setup setup, PrintStream out,
      PrintStream err) {
    Configured c = configure(name, args, env, setup, err);
    if (c == null) {
      return 2;
    }
    c.vertx().close();
    out.println("udf " + name + ": arguments are valid");
    out.flush();
    return 0;
  }

  /** A UDF's parsed arguments and its configured server, not started. */
  private record Configured(UdfArgs args, Vertx vertx, UdfServer server) {
  }

  /**
   * Parses the arguments and configures the server, as both a start and {@link #check} do; null
   * after printing the first bad argument on {@code err} (nothing left running).
   */
  private static Configured configure(String name, List<String> args, Map<String, String> env, Setup setup, PrintStream err) {
    UdfArgs parsed;
    try {
      parsed = UdfArgs.parse(args, env);
    } catch (UsageException e) {
      err.println("udf " + name + ": " + e.getMessage());
      return null;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    UdfServer server = UdfServer.create(vertx, parsed.serverOptions());
    try {
      try {
        setup.configure(parsed, server);
      } catch (UsageException e) {
        parsed.error(e.getMessage());
      }
      parsed.finish();
    } catch (UsageException e) {
      err.println("udf " + name + ": " + e.getMessage());
      vertx.close();
      return null;
    }
    return new Configured(parsed, vertx, server);
  }

  /** The options every UDF takes, then the UDF's own, as its setup reads them. */
  static String help(String name, Setup setup) {
    UdfArgs probe = UdfArgs.parse(List.of(), Map.of());
    Vertx vertx = Vertx.vertx();
    try {
      setup.configure(probe, UdfServer.create(vertx, probe.serverOptions()));
    } catch (RuntimeException e) {
      // the options read before it failed are still listed
    } finally {
      try {
        vertx.close().await(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (Exception e) {
        // nothing was started on it
      }
    }
    StringBuilder b = new StringBuilder();
    b.append("udf ").append(name).append(": a map UDF (Numaflow map.v1) on flowmesh-udf-server ")
        .append(UdfVersion.library()).append('\n')
        .append("Options every UDF takes, as --name value or --name=value [environment variable]:\n")
        .append("  --address ADDRESS          tcp://HOST:PORT (port 0: any free port) or unix:///ABS/PATH"
            + " [" + UdfArgs.ADDRESS_ENV + "] (default " + UdfArgs.DEFAULT_ADDRESS + ")\n")
        .append("  --mode MODE                unary-map (alias map), batch-map or stream-map; map-service's map.mode must be the same"
            + " [" + UdfArgs.MODE_ENV + "] (default unary-map)\n")
        .append("  --server-info-file PATH    write Numaflow's server-info file there once listening"
            + " [" + UdfArgs.SERVER_INFO_FILE_ENV + "]\n")
        .append("  --tls-cert PEM --tls-key PEM   serve TLS with this certificate and key\n")
        .append("  --tls-client-ca PEM        require client certificates signed by this CA (mutual TLS)\n")
        .append("  --check                    check the options as a start does, start nothing (exit 2 when one is bad)\n")
        .append("  --help, --version          print this, or the versions, and exit\n")
        .append("Options of ").append(name).append(":\n");
    List<String> own = probe.ownOptions();
    if (own.isEmpty()) {
      b.append("  (none)\n");
    }
    own.forEach(line -> b.append(line).append('\n'));
    return b.toString();
  }

  private static void stop(String name, UdfServer server, Vertx vertx) {
    try {
      server.stop().await(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      vertx.close().await(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      LOG.info("UDF stopped: name={}", name);
    } catch (Exception e) {
      LOG.warn("UDF did not stop cleanly: name={} cause={}", name, e.toString());
    }
  }
}
