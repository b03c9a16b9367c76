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
 * listen exits with status 1.
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

  /** Runs the UDF named {@code name}; returns once it listens, or exits the process on failure. */
  public static void run(String name, String[] args, Setup setup) {
    int status = launch(name, List.of(args), System.getenv(), setup, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Starts the UDF and returns 0 once it listens, or prints why it cannot and returns 2 (bad
   * arguments) or 1 (cannot listen).
   */
  static int launch(String name, List<String> args, Map<String, String> env, Setup setup,
      PrintStream out, PrintStream err) {
    UdfArgs parsed;
    try {
      parsed = UdfArgs.parse(args, env);
    } catch (UsageException e) {
      err.println("udf " + name + ": " + e.getMessage());
      return 2;
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
      return 2;
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
