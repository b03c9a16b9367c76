package io.flowmesh.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.flowmesh.map.MapMain;
import io.flowmesh.runtime.config.ConfigException;
import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.Settings;
import io.flowmesh.runtime.service.CommonKeys;
import io.flowmesh.runtime.service.KnownKeys;
import io.flowmesh.runtime.service.VertexMain;
import io.flowmesh.sink.SinkMain;
import io.flowmesh.source.SourceMain;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A rendered vertex container's environment and arguments, loaded as its service loads them at
 * start ({@link Settings#load} with the service's own keys), every value parsed.
 */
final class ServiceSettings {

  /** What a variable from a Secret stands for here: its value is not in the manifests. */
  static final String FROM_SECRET = "value-from-a-secret";

  private ServiceSettings() {
  }

  static VertexMain<?> service(String kind) {
    return switch (kind) {
      case "source" -> new SourceMain();
      case "map" -> new MapMain();
      case "sink" -> new SinkMain();
      default -> throw new AssertionError("no Flowmesh service of kind '" + kind + "'");
    };
  }

  /** The container's environment, a variable from a Secret as {@link #FROM_SECRET}. */
  static Map<String, String> env(Container c) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar e : c.getEnv()) {
      if (env.put(e.getName(), e.getValueFrom() != null ? FROM_SECRET : e.getValue()) != null) {
        throw new AssertionError("container " + c.getName() + " sets " + e.getName() + " twice");
      }
    }
    return env;
  }

  /**
   * The settings of a {@code kind} service started with the container's arguments and environment.
   *
   * @throws AssertionError naming what the service would refuse or not read
   */
  static Settings load(String kind, Container c) {
    VertexMain<?> main = service(kind);
    Set<String> ns = new HashSet<>(KnownKeys.NAMESPACES.get(kind));
    ns.addAll(CommonKeys.NAMESPACES);
    List<String> args = c.getArgs() == null ? List.of() : c.getArgs();
    Settings s = Settings.load(main.allKeys(), ns, KnownKeys.otherThan(kind), args.toArray(String[]::new), env(c));
    for (ConfigKey<?> k : main.allKeys()) {
      if (!k.isPrefix()) {
        s.get(k);
      }
    }
    try {
      s.check();
    } catch (ConfigException e) {
      throw new AssertionError(kind + " container " + c.getName() + ": the service would refuse its settings: " + e.getMessage());
    }
    if (!s.unread().isEmpty() || !s.ignored().isEmpty()) {
      throw new AssertionError(kind + " container " + c.getName() + ": settings no service reads " + s.unread()
          + ", other services' settings " + s.ignored());
    }
    return s;
  }
}
