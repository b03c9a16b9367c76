package io.flowmesh.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code docker-compose.yml} as Compose reads it, as far as these tests need: YAML with merge keys
 * ({@code <<}), then {@code ${VAR:-default}} interpolated with an empty environment (the defaults).
 */
final class ComposeFile {

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\\}");

  /** A published port: host side (a port or a range, as text) and container port. */
  record Port(String published, int target) {
  }

  private final Map<String, Object> root;

  @SuppressWarnings("unchecked")
  private ComposeFile(Map<String, Object> root) {
    this.root = (Map<String, Object>) interpolate(root);
  }

  static ComposeFile load(Path file) {
    try {
      Object yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
      if (!(yaml instanceof Map)) {
        throw new AssertionError(file + " does not hold a mapping");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) yaml;
      return new ComposeFile(map);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ComposeFile ofProject() {
    return load(Project.path("docker-compose.yml"));
  }

  /** Replaces {@code ${VAR:-default}} by its default and {@code ${VAR}} by nothing, in every string. */
  static Object interpolate(Object node) {
    if (node instanceof String s) {
      Matcher m = VARIABLE.matcher(s);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(out, Matcher.quoteReplacement(m.group(2) == null ? "" : m.group(2)));
      }
      m.appendTail(out);
      return out.toString().replace("$$", "$");
    }
    if (node instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), interpolate(v)));
      return out;
    }
    if (node instanceof List<?> list) {
      return list.stream().map(ComposeFile::interpolate).toList();
    }
    return node;
  }

  Map<String, Object> root() {
    return root;
  }

  Set<String> serviceNames() {
    return services().keySet();
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> services() {
    return (Map<String, Object>) root.get("services");
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> service(String name) {
    Object s = services().get(name);
    if (s == null) {
      throw new AssertionError("docker-compose.yml has no service '" + name + "'");
    }
    return (Map<String, Object>) s;
  }

  /** The service's command in exec form; a string command is split on spaces. */
  List<String> command(String name) {
    Object c = service(name).get("command");
    if (c instanceof String s) {
      return List.of(s.trim().split("\\s+"));
    }
    return c == null ? List.of() : ((List<?>) c).stream().map(String::valueOf).toList();
  }

  /** The service's environment, in map or list form. */
  Map<String, String> environment(String name) {
    Object e = service(name).get("environment");
    Map<String, String> env = new LinkedHashMap<>();
    if (e instanceof Map<?, ?> map) {
      map.forEach((k, v) -> env.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
    } else if (e instanceof List<?> list) {
      for (Object item : list) {
        String s = String.valueOf(item);
        int eq = s.indexOf('=');
        env.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
      }
    }
    return env;
  }

  /** The service's published ports (short syntax {@code [host:]container}). */
  List<Port> ports(String name) {
    Object p = service(name).get("ports");
    List<Port> out = new ArrayList<>();
    if (p == null) {
      return out;
    }
    for (Object item : (List<?>) p) {
      String s = String.valueOf(item);
      String[] parts = s.split(":");
      String target = parts[parts.length - 1].replace("/tcp", "");
      out.add(new Port(parts.length > 1 ? parts[parts.length - 2] : "", Integer.parseInt(target)));
    }
    return out;
  }

  /** The health check's test, e.g. {@code [CMD, curl, -fsS, http://...]}. */
  List<String> healthcheck(String name) {
    Object h = service(name).get("healthcheck");
    if (!(h instanceof Map<?, ?> map) || !(map.get("test") instanceof List<?> test)) {
      throw new AssertionError("service '" + name + "' has no healthcheck test in exec form");
    }
    return test.stream().map(String::valueOf).toList();
  }

  /** The URL a health check requests, or null when it requests none. */
  URI healthcheckUrl(String name) {
    return healthcheck(name).stream().filter(a -> a.startsWith("http://")).map(URI::create).findFirst().orElse(null);
  }

  /** depends_on as service → condition ({@code service_started} for the short form). */
  Map<String, String> dependsOn(String name) {
    Object d = service(name).get("depends_on");
    Map<String, String> out = new LinkedHashMap<>();
    if (d instanceof List<?> list) {
      list.forEach(s -> out.put(String.valueOf(s), "service_started"));
    } else if (d instanceof Map<?, ?> map) {
      map.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(((Map<?, ?>) v).get("condition"))));
    }
    return out;
  }

  List<String> profiles(String name) {
    Object p = service(name).get("profiles");
    return p == null ? List.of() : ((List<?>) p).stream().map(String::valueOf).toList();
  }

  /** Bind mounts ({@code ./host:container[:ro]}) as host path → container path. */
  Map<String, String> bindMounts(String name) {
    Object v = service(name).get("volumes");
    Map<String, String> out = new LinkedHashMap<>();
    if (v != null) {
      for (Object item : (List<?>) v) {
        String[] parts = String.valueOf(item).split(":");
        if (parts[0].startsWith(".") || parts[0].startsWith("/")) {
          out.put(parts[0], parts[1]);
        }
      }
    }
    return out;
  }
}
