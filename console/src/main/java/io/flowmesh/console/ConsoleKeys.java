package io.flowmesh.console;

import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.Types;
import java.time.Duration;
import java.util.List;

/** The console's configuration keys (namespace {@code console}; listed in service-keys.txt). */
public final class ConsoleKeys {

  public static final ConfigKey<String> SPEC = ConfigKey.of("console.spec", null, Types.STRING,
      "The pipeline spec file (docs/pipelines.md) whose graph the console draws; with console.vertices unset, "
          + "each vertex is looked for where the rendered compose file and Helm chart put it: at its name, on its X.http.port (8080 unless the spec sets it)");
  public static final ConfigKey<String> VERTICES = ConfigKey.of("console.vertices", null, Types.STRING,
      "The vertices' HTTP addresses, name=host:port separated by commas; a name given twice is two replicas "
          + "(in=127.0.0.1:8080,map=127.0.0.1:8081,map=127.0.0.1:8082). Without console.spec the edges come from each vertex's /status");
  public static final ConfigKey<String> TITLE = ConfigKey.of("console.title", null, Types.STRING,
      "The pipeline's name as the page shows it; unset: the spec's metadata.name, or 'pipeline' without console.spec "
          + "(the rendered compose file and Helm chart set it to the spec's name)");
  public static final ConfigKey<String> HOST = ConfigKey.of("console.host", "0.0.0.0", Types.STRING,
      "The address the console's HTTP server binds");
  public static final ConfigKey<Integer> PORT = ConfigKey.of("console.port", "8070", Types.PORT,
      "The console's HTTP port (the page, /events, /livez, /readyz); 0 takes a free port");
  public static final ConfigKey<Duration> INTERVAL = ConfigKey.of("console.poll-interval", "1s", Types.durationRange("100ms", "1h"),
      "How often the console reads every vertex's /status and /metrics and pushes a snapshot to the browsers");
  public static final ConfigKey<Duration> TIMEOUT = ConfigKey.of("console.poll-timeout", "2s", Types.durationRange("100ms", "10m"),
      "How long connecting to a vertex, or a silence while reading its answer, may last before the vertex is shown down with the error");
  public static final ConfigKey<String> VERTEX_TOKEN = ConfigKey.of("console.vertex-token", null, Types.STRING,
      "The bearer token the vertices' /status and /metrics require (their http.token), if they do");
  public static final ConfigKey<String> LOG_LEVEL = ConfigKey.of("console.log-level", "info",
      Types.oneOf("trace", "debug", "info", "warn", "error"), "The console's log level");

  private ConsoleKeys() {
  }

  /** Every key the console reads. */
  public static List<ConfigKey<?>> all() {
    return List.of(SPEC, VERTICES, TITLE, HOST, PORT, INTERVAL, TIMEOUT, VERTEX_TOKEN, LOG_LEVEL);
  }
}
