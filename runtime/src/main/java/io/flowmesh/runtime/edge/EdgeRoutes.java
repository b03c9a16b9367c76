package io.flowmesh.runtime.edge;

import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.Settings;
import io.flowmesh.runtime.config.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The outbound edges of a vertex that serves an edge (a source or a map): the downstream vertices
 * it sends to ({@code X.edge.to}) and the tag condition of each ({@code X.edge.condition.<to>}).
 * {@link #SINGLE} — no {@code X.edge.to} — is one unnamed edge that any allowed subscriber takes.
 *
 * @param routes the named edges, in name order; empty for {@link #SINGLE}
 * @param toKey the key that named them ({@code map.edge.to}), for messages; null for {@link #SINGLE}
 */
public record EdgeRoutes(List<Route> routes, String toKey) {

  /** One outbound edge: the downstream vertex and the condition on tags (null: every message). */
  public record Route(String to, TagCondition condition) {
  }

  /** One unnamed edge, every message on it: the vertex without {@code X.edge.to}. */
  public static final EdgeRoutes SINGLE = new EdgeRoutes(List.of(), null);

  public EdgeRoutes {
    routes = List.copyOf(routes);
    if (routes.size() > TagRouter.MAX) {
      throw new IllegalArgumentException("at most " + TagRouter.MAX + " outbound edges, got " + routes.size());
    }
  }

  /** Whether this is the single unnamed edge (no {@code X.edge.to}). */
  public boolean single() {
    return routes.isEmpty();
  }

  /** The downstream vertex names, in order. */
  public List<String> names() {
    return routes.stream().map(Route::to).toList();
  }

  /** The key {@code <kind>.edge.to} of a vertex kind ({@code source}, {@code map}). */
  public static ConfigKey<Set<String>> toKey(String kind) {
    return ConfigKey.of(kind + ".edge.to", null, Types.NAMES,
        "the downstream vertices this vertex sends to, comma-separated: one outbound edge each, with its own queue, credit "
            + "and unacked window; a subscriber whose hello names another vertex is refused. Unset: one edge any vertex in "
            + kind + ".edge.allowed-subscribers takes (then " + kind + ".edge.allowed-subscribers defaults to these names)");
  }

  /** The prefix key {@code <kind>.edge.condition.} of a vertex kind. */
  public static ConfigKey<String> conditionKey(String kind) {
    return ConfigKey.prefix(kind + ".edge.condition.",
        kind + ".edge.condition.<to> = <op>:<tag>[,<tag>...]: which messages go on the edge to <to> (one of " + kind
            + ".edge.to), by their tags: or (any of the tags present), and (all present), not (none present). No condition: "
            + "every message. A message no edge takes is dropped, counted and acked. In the environment the vertex name is "
            + "matched ignoring case and '-', '_', '.' (FLOWMESH_" + kind.toUpperCase(Locale.ROOT) + "_EDGE_CONDITION_SINK_EVEN "
            + "for sink-even)", Map.of());
  }

  /**
   * Reads the edges from {@code to} and the conditions under {@code conditions}; every problem goes
   * to {@code s} naming its key.
   */
  public static EdgeRoutes read(Settings s, ConfigKey<Set<String>> to, ConfigKey<String> conditions) {
    Set<String> names = s.get(to);
    Map<String, String> given = s.prefixed(conditions);
    if (names == null) {
      for (String property : given.keySet()) {
        s.problem(conditions.name() + property + " is set but " + to.name() + " is not: a condition belongs to one of the "
            + "edges " + to.name() + " names");
      }
      return SINGLE;
    }
    TreeSet<String> sorted = new TreeSet<>(names);
    if (sorted.contains(EdgeAuth.ANY)) {
      s.problem(to, "'*' is not a vertex name: name each downstream vertex");
      sorted.remove(EdgeAuth.ANY);
    }
    if (sorted.size() > TagRouter.MAX) {
      s.problem(to, "at most " + TagRouter.MAX + " outbound edges, got " + sorted.size());
      return SINGLE;
    }
    Map<String, TagCondition> byName = new LinkedHashMap<>();
    given.forEach((property, text) -> {
      String key = conditions.name() + property;
      String name = edgeNamed(property, sorted);
      if (name == null) {
        s.problem(key + "='" + text + "': " + PeerNames.quote(property) + " is not one of the edges in " + to.name() + "="
            + String.join(",", sorted));
        return;
      }
      if (byName.containsKey(name)) {
        s.problem(key + "='" + text + "': a second condition for the edge to " + name);
        return;
      }
      try {
        byName.put(name, TagCondition.parse(text));
      } catch (IllegalArgumentException e) {
        s.problem(key + "='" + text + "': " + e.getMessage());
      }
    });
    List<Route> routes = new ArrayList<>();
    for (String name : sorted) {
      routes.add(new Route(name, byName.get(name)));
    }
    return routes.isEmpty() ? SINGLE : new EdgeRoutes(routes, to.name());
  }

  /**
   * The vertex of {@code names} that a condition key's suffix means: the same name, or else the only
   * one equal to it ignoring case and '-', '_', '.' (an environment variable cannot spell '-' or '.');
   * null when none or several match.
   */
  static String edgeNamed(String suffix, Set<String> names) {
    if (names.contains(suffix)) {
      return suffix;
    }
    String wanted = loose(suffix);
    String found = null;
    for (String n : names) {
      if (loose(n).equals(wanted)) {
        if (found != null) {
          return null;
        }
        found = n;
      }
    }
    return found;
  }

  private static String loose(String name) {
    return name.toLowerCase(Locale.ROOT).replace('-', '_').replace('.', '_');
  }

  /**
   * The vertices that may subscribe: {@code allowed} as set, or — when it is left at its default and
   * the vertex has named edges — the names of those edges, which {@code s} then shows as that key's
   * effective value.
   */
  public static Set<String> allowedSubscribers(Settings s, ConfigKey<Set<String>> allowed, EdgeRoutes routes) {
    Set<String> set = s.get(allowed);
    if (routes.single() || s.source(allowed) != Settings.Source.DEFAULT) {
      return set;
    }
    s.derived(allowed, String.join(",", new TreeSet<>(routes.names())));
    return Set.copyOf(routes.names());
  }
}
