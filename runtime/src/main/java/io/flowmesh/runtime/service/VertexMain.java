package io.flowmesh.runtime.service;

import io.flowmesh.runtime.auth.BearerToken;
import io.flowmesh.runtime.config.ConfigException;
import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.Settings;
import io.flowmesh.runtime.errors.Reasons;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code main} of a vertex service: loads and validates its config (every bad key reported,
 * then exit 2; {@code --check} stops there), creates Vert.x, starts the vertex and its HTTP endpoints, and on SIGTERM stops
 * gracefully within {@code shutdown.timeout}.
 *
 * @param <C> the service's immutable config record
 */
public abstract class VertexMain<C> {

  private static final Logger LOG = LoggerFactory.getLogger(VertexMain.class);

  /** {@code vertex.name} once the config is read: the name the start and stop lines use. */
  private volatile String vertexName;

  /** The service's kind: source, map or sink (the default {@code vertex.name}). */
  protected abstract String name();

  /** The namespaces this service owns besides the common ones (e.g. map and udf). */
  protected abstract Set<String> namespaces();

  /** This service's own keys. */
  protected abstract List<ConfigKey<?>> keys();

  /** Builds the config record, recording problems in {@code s}. */
  protected abstract C configure(Settings s);

  /** The HTTP port from the config. */
  protected abstract int httpPort(C config);

  /** Starts the vertex. */
  protected abstract Future<Vertex> start(Vertx vertx, C config, Common common, PrometheusMeterRegistry registry);

  /** Whether this service serves an edge (and so needs tls.cert and tls.key when TLS is on). */
  protected boolean servesEdge() {
    return true;
  }

  /**
   * Common keys whose default this service changes ({@link ConfigKey#withDefault}), each standing
   * in for the common key of its name; none by default.
   */
  protected List<ConfigKey<?>> commonKeyDefaults() {
    return List.of();
  }

  /** Every key the service reads, common ones included. */
  public final List<ConfigKey<?>> allKeys() {
    List<ConfigKey<?>> all = new ArrayList<>(keys());
    Map<String, ConfigKey<?>> changed = new HashMap<>();
    commonKeyDefaults().forEach(k -> changed.put(k.name(), k));
    for (ConfigKey<?> common : CommonKeys.keys()) {
      ConfigKey<?> mine = changed.remove(common.name());
      all.add(mine == null ? common : mine);
    }
    if (!changed.isEmpty()) {
      throw new IllegalStateException(name() + " changes the default of keys that are not common keys: " + changed.keySet());
    }
    all.add(CommonKeys.vertexName(name()));
    return all;
  }

  /** Where {@link KnownKeys} disagrees with this service's keys and namespaces; empty when they agree (for tests). */
  public final List<String> knownKeysDifferences() {
    return KnownKeys.differences(name(), namespaces(), keys());
  }

  /**
   * Loads the config and starts the service; completes once it serves HTTP and its vertex runs.
   *
   * @throws ConfigException when the config is invalid (nothing was started)
   */
  public final Launched launch(String[] args, Map<String, String> env) throws ConfigException {
    return launch(args, env, false);
  }

  /**
   * Loads and validates the config exactly as a start does, and starts nothing: what {@code
   * --check} runs.
   *
   * @return the vertex's name ({@code vertex.name})
   * @throws ConfigException when the config is invalid, with every problem
   */
  public final String check(String[] args, Map<String, String> env) throws ConfigException {
    return load(args, env).common().vertexName();
  }

  /**
   * What {@code --check} prints for a valid config: that it is valid, then what the config holds
   * that this service does not read (what no service reads; other services' keys in the
   * environment or the file), each line starting with the service's kind.
   *
   * @throws ConfigException when the config is invalid, with every problem
   */
  public final List<String> checkReport(String[] args, Map<String, String> env) throws ConfigException {
    Loaded<C> loaded = load(args, env);
    List<String> lines = new ArrayList<>();
    lines.add(name() + ": configuration of vertex '" + loaded.common().vertexName() + "' is valid");
    for (String note : new String[] {unreadNote(loaded.settings()), othersNote(loaded.settings())}) {
      if (note != null) {
        lines.add(name() + ": " + note);
      }
    }
    return lines;
  }

  /** What {@link #load} read and checked: the settings, the common keys, the service's record, the HTTP token. */
  private record Loaded<C>(Settings settings, Common common, C config, String httpToken) {
  }

  /** Loads the config and checks every key: the part of a start that {@link #check} and {@link #launch} share. */
  private Loaded<C> load(String[] args, Map<String, String> env) throws ConfigException {
    Set<String> ns = new HashSet<>(namespaces());
    ns.addAll(CommonKeys.NAMESPACES);
    Settings settings = Settings.load(allKeys(), ns, KnownKeys.program(name()), KnownKeys.readersOtherThan(name()), args, env);
    Common common = Common.from(settings, name());
    common.edge().tls().problems("tls", servesEdge()).forEach(settings::problem);
    String httpToken = settings.get(CommonKeys.HTTP_TOKEN);
    if (httpToken != null && httpToken.isBlank()) {
      settings.problem(CommonKeys.HTTP_TOKEN, "must not be blank (leave it unset to keep /status and /metrics open)");
    }
    C config = configure(settings);
    settings.check();
    return new Loaded<>(settings, common, config, httpToken);
  }

  /**
   * As {@link #launch(String[], Map)}; with {@code collectBeforeServing}, once the vertex runs and
   * before its HTTP endpoints listen (so before {@code /readyz} can answer 200), runs one full
   * collection ({@link StartupCollection}).
   */
  private Launched launch(String[] args, Map<String, String> env, boolean collectBeforeServing) throws ConfigException {
    Loaded<C> loaded = load(args, env);
    Settings settings = loaded.settings();
    Common common = loaded.common();
    C config = loaded.config();
    String httpToken = loaded.httpToken();
    MainCommands.setLogLevel(common.logLevel());
    String vertexName = common.vertexName();
    this.vertexName = vertexName;
    String unread = unreadNote(settings);
    if (unread != null) {
      LOG.warn("{}: {}", vertexName, unread);
    }
    String others = othersNote(settings);
    if (others != null) {
      LOG.info("{}: {}", vertexName, others);
    }
    WarmUp.run(common.nativeTransport());
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(common.eventLoops())
        .setPreferNativeTransport(common.nativeTransport()));
    if (common.nativeTransport() && !vertx.isNativeTransportEnabled()) {
      LOG.warn("native transport unavailable, using NIO cause={}", String.valueOf(vertx.unavailableNativeTransportCause()));
    }
    PrometheusMeterRegistry registry = MetricsRegistry.create(name(), vertexName);
    AtomicReference<Vertex> running = new AtomicReference<>();
    HttpEndpoints http = new HttpEndpoints(vertx, name(), vertexName, registry, settings.effective(), settings.notes(), running::get,
        httpToken == null || httpToken.isBlank() ? null : new BearerToken(httpToken));
    Future<Launched> started = start(vertx, config, common, registry).compose(vertex -> {
      if (collectBeforeServing) {
        // Blocks this event loop for the collection: with the stop-the-world collectors the services
        // run with (G1, serial, parallel) every thread stops anyway; with -XX:+ExplicitGCInvokesConcurrent
        // (or ZGC, Shenandoah) it holds this loop for a concurrent cycle, once, at start.
        StartupCollection.run();
      }
      running.set(vertex);
      Router router = http.router();
      vertex.routes(router);
      return http.listen(router, common.host(), httpPort(config), common.httpIdleTimeout()).map(port -> new Launched(vertx, vertex, port, registry, common.shutdownTimeout()));
    });
    try {
      Launched l = started.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      LOG.info("{} started vertex={} http={}:{}", name(), vertexName, common.host(), l.httpPort());
      return l;
    } catch (Exception e) {
      vertx.close();
      Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
      throw new StartFailure(vertexName + " failed to start: " + Reasons.of(cause), cause);
    }
  }

  /**
   * What no service reads, in the environment or the file (a typo, or a key of another version):
   * one line, or null when there is none. A start logs it as a warning, {@code --check} prints it.
   */
  private static String unreadNote(Settings settings) {
    return settings.unread().isEmpty() ? null : "ignoring what no Flowmesh service reads: " + String.join(", ", settings.unread());
  }

  /**
   * The other services' keys in the environment or the file, which this service does not read, by
   * service: one line, or null when there are none. Expected where one environment or file serves
   * every service (run-local.sh), a misplaced key elsewhere: a start logs it at INFO, {@code
   * --check} prints it.
   */
  private static String othersNote(Settings settings) {
    if (settings.ignored().isEmpty()) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    settings.ignoredByReader().forEach((reader, what) -> parts.add(reader + ": " + String.join(", ", what)));
    return "not reading other services' settings (" + String.join("; ", parts) + ")";
  }

  /** The start failed after the config was valid; the message already says "{@code <vertex>} failed to start: why". */
  private static final class StartFailure extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    StartFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * For a service's {@code main}: launch, then wait for SIGTERM and stop gracefully; with {@code
   * --check}, only load and validate the config ({@link #checkReport}): that it is valid (and what
   * it does not read) and exit 0, or the invalid-configuration report and exit 2.
   */
  public final void main(String[] args) {
    if (MainCommands.answered(args, name() + "-service", name() + "-service.jar", allKeys())) {
      return;
    }
    if (MainCommands.wantsCheck(args)) {
      try {
        checkReport(MainCommands.withoutCheck(args), System.getenv()).forEach(System.out::println);
      } catch (ConfigException e) {
        MainCommands.exitInvalid(name(), e);
      }
      return;
    }
    Launched launched;
    try {
      launched = launch(args, System.getenv(), true);
    } catch (ConfigException e) {
      MainCommands.exitInvalid(name(), e);
      return;
    } catch (RuntimeException e) {
      LOG.error("{}", e instanceof StartFailure ? Reasons.of(e) : name() + " failed to start: " + Reasons.of(e));
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      java.time.Duration timeout = launched.shutdownTimeout();
      LOG.info("{} stopping timeout={}", vertexName, timeout);
      try {
        launched.stop(timeout).toCompletionStage().toCompletableFuture().get(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
        LOG.info("{} stopped", vertexName);
      } catch (Exception e) {
        LOG.error("{} did not stop cleanly: {}", vertexName, e.toString());
      }
    }, name() + "-shutdown"));
  }
}
