package io.flowmesh.console;

import io.flowmesh.pipeline.deploy.VertexAddresses;
import io.flowmesh.pipeline.spec.SpecException;
import io.flowmesh.pipeline.spec.SpecParser;
import io.flowmesh.runtime.config.ConfigException;
import io.flowmesh.runtime.config.HostPort;
import io.flowmesh.runtime.config.Settings;
import io.flowmesh.runtime.service.KnownKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The console's validated configuration. */
public record ConsoleConfig(Topology topology, String host, int port, Duration interval, Duration timeout, String vertexToken,
    String logLevel) {

  /**
   * Reads the console keys from the command line, the environment and a {@code --config} file,
   * as the services do; every problem in one {@link ConfigException}.
   */
  public static ConsoleConfig load(String[] args, Map<String, String> env) throws ConfigException {
    Settings s = Settings.load(ConsoleKeys.all(), Set.of("console"), KnownKeys.program("console"), KnownKeys.readersOtherThan("console"), args,
        env);
    String specFile = s.get(ConsoleKeys.SPEC);
    String vertices = s.get(ConsoleKeys.VERTICES);
    Map<String, List<HostPort>> addresses = Map.of();
    if (vertices != null) {
      try {
        addresses = VertexAddresses.parse(vertices);
      } catch (IllegalArgumentException e) {
        s.problem(ConsoleKeys.VERTICES, e.getMessage());
      }
    }
    Topology topology = null;
    if (specFile != null) {
      try {
        topology = Topology.of(SpecParser.load(Path.of(specFile)), addresses);
      } catch (SpecException e) {
        s.problem(ConsoleKeys.SPEC, e.getMessage());
      } catch (IllegalArgumentException e) {
        s.problem(ConsoleKeys.VERTICES, e.getMessage());
      }
    } else if (vertices == null) {
      s.problem("set console.spec (a pipeline spec file) or console.vertices (name=host:port,...), or both");
    } else if (!addresses.isEmpty()) {
      topology = Topology.of(addresses);
    }
    String title = s.get(ConsoleKeys.TITLE);
    if (title != null && title.isBlank()) {
      s.problem(ConsoleKeys.TITLE, "must not be blank (leave it unset for the spec's name)");
    } else if (title != null && topology != null) {
      topology = topology.named(title.strip());
    }
    String token = s.get(ConsoleKeys.VERTEX_TOKEN);
    if (token != null && token.isBlank()) {
      s.problem(ConsoleKeys.VERTEX_TOKEN, "must not be blank (leave it unset when the vertices need no token)");
    }
    ConsoleConfig config = new ConsoleConfig(topology, s.get(ConsoleKeys.HOST), s.get(ConsoleKeys.PORT), s.get(ConsoleKeys.INTERVAL),
        s.get(ConsoleKeys.TIMEOUT), token, s.get(ConsoleKeys.LOG_LEVEL));
    s.check();
    return config;
  }
}
