package io.flowmesh.pipeline.spec;

import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.KeyCatalog;
import io.flowmesh.runtime.service.CommonKeys;
import io.flowmesh.runtime.service.KnownKeys;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which Flowmesh keys a vertex's {@code settings:} may hold: the keys of its service (the
 * services' list, {@code service-keys.txt}) and the common ones, less those the runner sets from
 * the graph itself.
 */
final class SettingKeys {

  private static final Map<VertexKind, KeyCatalog> CATALOGS = new EnumMap<>(VertexKind.class);

  static {
    for (VertexKind kind : VertexKind.values()) {
      Set<String> own = new HashSet<>(KnownKeys.of(kind.service()));
      CommonKeys.keys().forEach(k -> own.add(k.name()));
      Set<String> namespaces = new HashSet<>(KnownKeys.NAMESPACES.get(kind.service()));
      namespaces.addAll(CommonKeys.NAMESPACES);
      CATALOGS.put(kind, new KeyCatalog(own, namespaces, KnownKeys.otherThan(kind.service())));
    }
  }

  private SettingKeys() {
  }

  /**
   * Why the runner does not take {@code key} from {@code settings:} (it derives it from the graph),
   * or null when it may be set there.
   */
  static String ownedByRunner(VertexKind kind, String key) {
    String s = kind.service();
    if (key.equals("vertex.name")) {
      return "the vertex's name is its 'name'";
    }
    if (key.equals("edge.token")) {
      return "the runner gives every vertex one fresh edge token per run";
    }
    if (key.equals(s + ".upstream") || key.startsWith(s + ".upstream.")) {
      return "the upstream comes from the edges";
    }
    if (key.equals(s + ".edge.to") || key.startsWith(s + ".edge.condition.") || key.equals(s + ".edge.allowed-subscribers")) {
      return "the downstream vertices and their conditions come from the edges";
    }
    return null;
  }

  /** The problem with {@code key} in the settings of a {@code kind} vertex, or null when there is none. */
  static String check(VertexKind kind, String key) {
    String why = ownedByRunner(kind, key);
    if (why != null) {
      return key + " is set by the runner: " + why;
    }
    KeyCatalog catalog = CATALOGS.get(kind);
    if (catalog.classify(key) == KeyCatalog.Kind.OWN) {
      return null;
    }
    for (VertexKind other : VertexKind.values()) {
      if (other != kind && CATALOGS.get(other).classify(key) == KeyCatalog.Kind.OWN) {
        return key + " is a key of " + other.service() + " vertices: a " + kind.service() + " vertex does not read it";
      }
    }
    String suggestion = catalog.suggestKey(key);
    return key + " is not a key of a " + kind.service() + " vertex"
        + (suggestion != null ? " (did you mean " + suggestion + "?)" : " (java -jar " + kind.service() + "-service.jar --help lists them)");
  }

  /** Whether every vertex kind reads {@code key} (a common key). */
  static boolean common(String key) {
    List<ConfigKey<?>> keys = CommonKeys.keys();
    return keys.stream().anyMatch(k -> k.name().equals(key));
  }
}
