package io.flowmesh.console;

import io.flowmesh.runtime.config.ConfigException;
import io.flowmesh.runtime.errors.Reasons;
import io.flowmesh.runtime.service.MainCommands;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar flowmesh-console.jar [--config FILE] [--console.spec=FILE] [--console.vertices=...]}:
 * serves the console until SIGTERM ({@code --check}: validate the configuration only). Exit status 2
 * for a bad configuration, 1 when it cannot start.
 */
public final class ConsoleMain {

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleMain.class);

  private ConsoleMain() {
  }

  /** A running console: its Vert.x and its port. */
  public record Running(Vertx vertx, int port) {

    public void stop() throws Exception {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Starts a console; completes when it serves HTTP. */
  public static Running launch(ConsoleConfig config) throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    ConsoleServer server = new ConsoleServer(config);
    try {
      vertx.deployVerticle(server).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw e;
    }
    return new Running(vertx, server.port());
  }

  public static void main(String[] args) {
    if (MainCommands.answered(args, "flowmesh-console", "flowmesh-console.jar", ConsoleKeys.all())) {
      return;
    }
    ConsoleConfig config;
    try {
      config = ConsoleConfig.load(MainCommands.withoutCheck(args), System.getenv());
    } catch (ConfigException e) {
      MainCommands.exitInvalid("console", e);
      return;
    }
    if (MainCommands.wantsCheck(args)) {
      System.out.println("console: configuration is valid");
      return;
    }
    MainCommands.setLogLevel(config.logLevel());
    Running running;
    try {
      running = launch(config);
    } catch (Exception e) {
      LOG.error("console failed to start: {}", Reasons.of(e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e));
      System.exit(1);
      return;
    }
    LOG.info("console started pipeline={} vertices={} url=http://{}:{}/", config.topology().name(), config.topology().vertices().size(),
        config.host().equals("0.0.0.0") ? "127.0.0.1" : config.host(), running.port());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        running.stop();
      } catch (Exception e) {
        LOG.error("console did not stop cleanly: {}", e.toString());
      }
    }, "console-shutdown"));
  }
}
