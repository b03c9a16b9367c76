package io.flowmesh.pipeline.deploy;

import io.flowmesh.runtime.config.HostPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compose file from a {@link Deployment}: one service per vertex and one per UDF container
 * ({@code <vertex>-<role>}, reached over TCP by its service name), the Flowmesh image built from
 * the repository as {@code docker-compose.yml} builds it, health checks ({@code /readyz}; a
 * builtin UDF: its TCP port), {@code scale} for {@code scale.min}, a volume on
 * {@link Deployment#DATA_DIR} for a vertex that writes there, and the edge token from
 * {@code ${FLOWMESH_EDGE_TOKEN:-...}}. A {@code console} service (docs/console.md) watches every vertex.
 *
 * <p>Start and stop order: a vertex {@code depends_on} its UDFs (healthy) and its downstream
 * vertices (started). Compose starts what is depended on first and stops dependents first, so
 * {@code docker compose down} stops the sources, then each map after everything upstream of it,
 * then the sinks, then the UDFs: each vertex drains into a live downstream and nothing in flight is
 * lost. Settings go as {@code FLOWMESH_<KEY>} variables, or as flags where a variable would not read
 * back as the same key ({@link SettingsForm}).
 *
 * <p>Works with Compose v2 and v1 (1.29): no top-level {@code name:}, {@code scale} rather than
 * {@code deploy.replicas}.
 */
public final class ComposeRenderer {

  /** The image tag every Flowmesh service gets (built once, shared), as in docker-compose.yml. */
  public static final String IMAGE = "flowmesh:local";
  /** The edge token when FLOWMESH_EDGE_TOKEN is not set: public, only keeps {@code up} working out of the box. */
  static final String DEFAULT_TOKEN = "compose-default-edge-token-set-your-own-in-.env";
  private static final Duration GRACE_ABOVE_SHUTDOWN = Duration.ofSeconds(10);
  /** The web console's HTTP port in its container. */
  static final int CONSOLE_PORT = 8070;

  private ComposeRenderer() {
  }

  /**
   * The compose file's text.
   *
   * @param buildContext the repository (with its Dockerfile), as the compose file refers to it:
   *     relative to the compose file's folder, or absolute
   * @param source what it was rendered from, for the header (the spec's path)
   */
  public static String render(Deployment d, String buildContext, String source) {
    Map<String, Object> services = new LinkedHashMap<>();
    Map<String, Object> volumes = new LinkedHashMap<>();
    for (VertexDeployment v : d.vertices()) {
      for (UdfContainer u : v.udfs()) {
        services.put(u.name(), udf(u, buildContext));
      }
      services.put(v.name(), vertex(v, buildContext));
      if (v.dataDir()) {
        volumes.put(v.name() + "-data", new LinkedHashMap<>());
      }
    }
    services.put(services.containsKey("console") ? d.pipeline() + "-console" : "console", console(d, buildContext));
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("services", services);
    if (!volumes.isEmpty()) {
      root.put("volumes", volumes);
    }
    return RenderedYaml.dump(header(d, source), root);
  }

  private static String header(Deployment d, String source) {
    List<String> order = d.vertices().stream().map(VertexDeployment::name).toList();
    return "# Pipeline '" + d.pipeline() + "' as compose services, rendered from " + source + " by\n"
        + "# scripts/run-spec.sh --render compose: edit the spec and render again rather than this file.\n"
        + "#\n"
        + "#   docker compose up --build -d                 # (or docker-compose, v1)\n"
        + "#   docker compose ps; docker compose port <vertex> " + Deployment.HTTP_PORT + "   # its /status, /metrics\n"
        + "#   docker compose port console " + CONSOLE_PORT + "   # the web console: the pipeline as a graph, live\n"
        + "#\n"
        + "# Every vertex is a service of the Flowmesh image (built from the repository, as docker-compose.yml\n"
        + "# does; MAVEN_IMAGE, JRE_IMAGE, JARS as there), listening on " + Deployment.HTTP_PORT + " (HTTP) and "
        + Deployment.EDGE_PORT + " (edge);\n"
        + "# each UDF is a service <vertex>-<role> reached over TCP. Subscribers find every replica of their\n"
        + "# upstream by its service name. scale.min is each service's scale (scale.max is for Kubernetes).\n"
        + "# Set your own edge token in an .env file next to this one (FLOWMESH_EDGE_TOKEN=...).\n"
        + "#\n"
        + "# `docker compose down` stops dependents first: " + String.join(", ", order) + ", then the UDFs —\n"
        + "# each vertex drains into a live downstream, so nothing in flight is lost.\n"
        + (d.namespace() == null ? "" : "#\n# metadata.namespace '" + d.namespace() + "' has no meaning in compose; ignored.\n")
        + "\n";
  }

  private static Map<String, Object> image(String buildContext) {
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("MAVEN_IMAGE", "${MAVEN_IMAGE:-maven:3.9-eclipse-temurin-17}");
    args.put("JRE_IMAGE", "${JRE_IMAGE:-eclipse-temurin:17-jre}");
    args.put("JARS", "${JARS:-maven}");
    Map<String, Object> build = new LinkedHashMap<>();
    build.put("context", escape(buildContext));
    build.put("dockerfile", "Dockerfile");
    build.put("args", args);
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("build", build);
    s.put("image", IMAGE);
    return s;
  }

  private static Map<String, Object> udf(UdfContainer u, String buildContext) {
    Map<String, Object> s = u.flowmeshImage() ? image(buildContext) : new LinkedHashMap<>();
    if (!u.flowmeshImage()) {
      s.put("image", escape(u.image()));
      if (u.pullPolicy() != null) {
        s.put("pull_policy", switch (u.pullPolicy()) {
          case "Always" -> "always";
          case "Never" -> "never";
          default -> "missing";
        });
      }
      if (!u.command().isEmpty()) {
        s.put("entrypoint", escape(u.command()));
      }
      if (!u.args().isEmpty()) {
        s.put("command", escape(u.args()));
      }
    } else {
      s.put("command", escape(u.command()));
    }
    s.put("init", true);
    s.put("restart", "unless-stopped");
    if (!u.env().isEmpty()) {
      Map<String, Object> env = new LinkedHashMap<>();
      u.env().forEach((k, val) -> env.put(k, escape(val)));
      s.put("environment", env);
    }
    if (u.flowmeshImage()) {
      // serves no HTTP: healthy once its gRPC port accepts connections (its vertex's /readyz asks IsReady)
      s.put("healthcheck", healthcheck(List.of("CMD", "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + u.port())));
    }
    return s;
  }

  private static Map<String, Object> vertex(VertexDeployment v, String buildContext) {
    Map<String, Object> s = image(buildContext);
    SettingsForm form = SettingsForm.of(v.kind(), v.settings(u -> u.name()));
    List<String> command = new ArrayList<>(List.of("java", "-jar", v.jar()));
    command.addAll(form.flags());
    s.put("command", escape(command));
    s.put("init", true);
    s.put("restart", "unless-stopped");
    s.put("stop_grace_period", grace(v.settings().get("shutdown.timeout")));
    Map<String, Object> env = new LinkedHashMap<>();
    env.put(Deployment.EDGE_TOKEN_ENV, "${" + Deployment.EDGE_TOKEN_ENV + ":-" + DEFAULT_TOKEN + "}");
    form.env().forEach((k, val) -> env.put(k, escape(val)));
    v.env().forEach((k, val) -> env.put(k, escape(val)));
    s.put("environment", env);
    if (v.replicas() > 1) {
      s.put("scale", v.replicas());
    }
    // a free host port each (replicas too): docker compose port <vertex> 8080 [--index N]
    s.put("ports", List.of(String.valueOf(v.httpPort())));
    s.put("healthcheck", healthcheck(List.of("CMD", "curl", "-fsS", "-o", "/dev/null",
        "http://127.0.0.1:" + v.httpPort() + "/readyz")));
    Map<String, Object> dependsOn = new LinkedHashMap<>();
    for (UdfContainer u : v.udfs()) {
      // an image of the spec's may have no bash for a TCP check: started; the vertex's /readyz waits for its IsReady
      dependsOn.put(u.name(), Map.of("condition", u.flowmeshImage() ? "service_healthy" : "service_started"));
    }
    for (String to : v.downstreams()) {
      dependsOn.put(to, Map.of("condition", "service_started"));
    }
    if (!dependsOn.isEmpty()) {
      s.put("depends_on", dependsOn);
    }
    if (v.dataDir()) {
      s.put("volumes", List.of(v.name() + "-data:" + Deployment.DATA_DIR));
    }
    Map<String, Object> logOptions = new LinkedHashMap<>();
    logOptions.put("max-size", "10m");
    logOptions.put("max-file", "3");
    Map<String, Object> logging = new LinkedHashMap<>();
    logging.put("driver", "json-file");
    logging.put("options", logOptions);
    s.put("logging", logging);
    return s;
  }

  /**
   * The web console, polling every vertex by its service name (each replica: its name resolves to
   * all), with the pipeline's name as its title (it has no spec to read it from).
   */
  private static Map<String, Object> console(Deployment d, String buildContext) {
    Map<String, Object> s = image(buildContext);
    s.put("command", List.of("java", "-jar", Deployment.IMAGE_JARS + "/flowmesh-console.jar"));
    s.put("init", true);
    s.put("restart", "unless-stopped");
    Map<String, List<HostPort>> vertices = new LinkedHashMap<>();
    for (VertexDeployment v : d.vertices()) {
      vertices.put(v.name(), List.of(new HostPort(v.name(), v.httpPort())));
    }
    Map<String, Object> env = new LinkedHashMap<>();
    env.put("FLOWMESH_CONSOLE_VERTICES", VertexAddresses.format(vertices));
    env.put("FLOWMESH_CONSOLE_TITLE", d.pipeline());
    env.put("FLOWMESH_CONSOLE_PORT", String.valueOf(CONSOLE_PORT));
    s.put("environment", env);
    s.put("ports", List.of(String.valueOf(CONSOLE_PORT)));
    s.put("healthcheck", healthcheck(List.of("CMD", "curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:" + CONSOLE_PORT + "/readyz")));
    return s;
  }

  private static Map<String, Object> healthcheck(List<String> test) {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("test", test);
    h.put("interval", "5s");
    h.put("timeout", "3s");
    h.put("retries", 24);
    h.put("start_period", "60s");
    return h;
  }

  /** The stop grace period: the vertex's shutdown timeout plus 10 s, so it drains before it is killed. */
  static String grace(String shutdownTimeout) {
    Duration d;
    try {
      d = io.flowmesh.runtime.config.Types.DURATION.parse(shutdownTimeout);
    } catch (RuntimeException e) {
      d = Duration.ofSeconds(30);
    }
    return d.plus(GRACE_ABOVE_SHUTDOWN).toSeconds() + "s";
  }

  /** A literal for compose: {@code $} doubled, so compose does not take it for a variable. */
  static String escape(String text) {
    return text.replace("$", "$$");
  }

  private static List<String> escape(List<String> texts) {
    return texts.stream().map(ComposeRenderer::escape).toList();
  }
}
