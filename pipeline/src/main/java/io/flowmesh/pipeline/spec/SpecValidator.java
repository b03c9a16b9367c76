package io.flowmesh.pipeline.spec;

import io.flowmesh.runtime.config.Types;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The graph checks, before anything starts: names (the {@code vertex.name} rule, each once), edges
 * between known vertices, no inbound edge into a source and no outbound edge out of a sink, no
 * cycle, every vertex reachable from a source, every source and map sending somewhere, tag
 * conditions only on edges out of vertices whose messages can carry tags. Each problem is one line
 * naming the vertex or the edge.
 */
public final class SpecValidator {

  private SpecValidator() {
  }

  /**
   * Every problem of the graph, in a stable order.
   *
   * @param declared how many vertices the file declares (some may not have parsed)
   * @param unreadable the names of declared vertices that did not parse (their problems are reported
   *     already): an edge to or from one is not checked, and what it may reach is not called unreachable
   */
  public static List<String> validate(PipelineSpec spec, int declared, Set<String> unreadable) {
    List<String> problems = new ArrayList<>();
    if (declared == 0) {
      problems.add("spec.vertices is empty: a pipeline needs at least a source and a sink");
      return problems;
    }
    Map<String, VertexSpec> byName = new LinkedHashMap<>();
    for (VertexSpec v : spec.vertices()) {
      try {
        Types.NAME.parse(v.name());
      } catch (IllegalArgumentException e) {
        problems.add(v.label() + ": bad name: " + Types.NAME.allowed());
      }
      if (byName.putIfAbsent(v.name(), v) != null) {
        problems.add(v.label() + " is defined more than once: vertex names must be unique");
      }
    }
    if (declared == spec.vertices().size()) { // whole-graph checks only when every vertex could be read
      if (spec.vertices().stream().noneMatch(v -> v.kind() == VertexKind.SOURCE)) {
        problems.add("the pipeline has no source vertex");
      }
      if (spec.vertices().stream().noneMatch(v -> v.kind() == VertexKind.SINK)) {
        problems.add("the pipeline has no sink vertex");
      }
    }
    List<EdgeSpec> usable = new ArrayList<>();
    Map<String, List<String>> out = new HashMap<>();
    Set<String> seen = new HashSet<>();
    for (EdgeSpec e : spec.edges()) {
      String at = "edge " + e.label();
      VertexSpec from = byName.get(e.from());
      VertexSpec to = byName.get(e.to());
      // an end that is in the file but did not parse is reported already: it is not "unknown"
      boolean fromUnreadable = from == null && unreadable.contains(e.from());
      boolean toUnreadable = to == null && unreadable.contains(e.to());
      boolean ok = true;
      if (from == null && !fromUnreadable) {
        problems.add(at + ": unknown vertex '" + e.from() + "' (vertices: " + String.join(", ", byName.keySet()) + ")");
        ok = false;
      }
      if (to == null && !toUnreadable) {
        problems.add(at + ": unknown vertex '" + e.to() + "' (vertices: " + String.join(", ", byName.keySet()) + ")");
        ok = false;
      }
      if (!seen.add(e.from() + "\u0000" + e.to())) {
        problems.add(at + " is given more than once");
        ok = false;
      }
      if (to != null && to.kind() == VertexKind.SOURCE) {
        problems.add(at + ": '" + e.to() + "' is a source, which takes no inbound edge");
        ok = false;
      }
      if (from != null && from.kind() == VertexKind.SINK) {
        problems.add(at + ": '" + e.from() + "' is a sink, which has no outbound edge");
        ok = false;
      }
      if (from != null && e.condition() != null && !from.canTag()) {
        problems.add(at + ": a tag condition, but the messages of '" + e.from() + "' carry no tags"
            + (from.kind() == VertexKind.SOURCE ? " (a source tags only through a transformer: source.transformer)" : ""));
      }
      if (ok && (fromUnreadable || toUnreadable)) {
        out.computeIfAbsent(e.from(), k -> new ArrayList<>()).add(e.to()); // it may lead on: nothing past it is unreachable
      } else if (ok) {
        usable.add(e);
      }
    }
    for (EdgeSpec e : usable) {
      out.computeIfAbsent(e.from(), k -> new ArrayList<>()).add(e.to());
    }
    List<String> cycle = findCycle(byName.keySet(), out);
    if (cycle != null) {
      problems.add("cycle: " + String.join(" -> ", cycle) + " (a pipeline is a graph without cycles)");
    }
    Set<String> reached = reachable(byName.values(), unreadable, out);
    for (VertexSpec v : byName.values()) {
      if (v.kind() != VertexKind.SOURCE && !reached.contains(v.name())) {
        problems.add(v.label() + " is unreachable: no path from a source leads to it");
      }
      if (v.kind() != VertexKind.SINK && spec.edgesFrom(v.name()).isEmpty()) {
        problems.add(v.label() + " has no outbound edge: its messages would go nowhere");
      }
      if (v.kind() == VertexKind.SINK && v.replicas() > 1 && "file".equals(v.settings().get("sink.type"))) {
        problems.add(v.label() + ": " + v.replicas() + " replicas of a file sink would all write " + v.settings().get("sink.path")
            + ": use one replica");
      }
    }
    return problems;
  }

  /** One cycle as its vertices, first repeated at the end, or null when there is none. */
  private static List<String> findCycle(Set<String> vertices, Map<String, List<String>> out) {
    Map<String, Integer> state = new HashMap<>(); // 1 = on the path, 2 = done
    for (String start : vertices) {
      if (state.containsKey(start)) {
        continue;
      }
      Deque<String> path = new ArrayDeque<>();
      Deque<java.util.Iterator<String>> its = new ArrayDeque<>();
      path.push(start);
      its.push(out.getOrDefault(start, List.of()).iterator());
      state.put(start, 1);
      while (!path.isEmpty()) {
        if (its.peek().hasNext()) {
          String next = its.peek().next();
          Integer s = state.get(next);
          if (s == null) {
            state.put(next, 1);
            path.push(next);
            its.push(out.getOrDefault(next, List.of()).iterator());
          } else if (s == 1) {
            List<String> cycle = new ArrayList<>();
            List<String> onPath = new ArrayList<>(path);
            java.util.Collections.reverse(onPath);
            cycle.addAll(onPath.subList(onPath.indexOf(next), onPath.size()));
            cycle.add(next);
            return cycle;
          }
        } else {
          state.put(path.pop(), 2);
          its.pop();
        }
      }
    }
    return null;
  }

  /** What the sources reach, and what an unreadable vertex (a source, for all we know) reaches. */
  private static Set<String> reachable(Iterable<VertexSpec> vertices, Set<String> unreadable, Map<String, List<String>> out) {
    Set<String> reached = new LinkedHashSet<>(unreadable);
    Deque<String> todo = new ArrayDeque<>(unreadable);
    for (VertexSpec v : vertices) {
      if (v.kind() == VertexKind.SOURCE && reached.add(v.name())) {
        todo.add(v.name());
      }
    }
    while (!todo.isEmpty()) {
      for (String next : out.getOrDefault(todo.poll(), List.of())) {
        if (reached.add(next)) {
          todo.add(next);
        }
      }
    }
    return reached;
  }
}
