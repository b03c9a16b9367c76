package io.flowmesh.console;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the console reads out of a vertex's {@code /status} JSON, where the shape differs by
 * service: the subscriptions to upstreams (a map's {@code instances[].upstream[]}, a sink's {@code
 * instances[].edges[]}), a source's pending count, the problems the vertex reports, its outbound
 * edges. The walks skip {@code upstreamVertices}, which repeats the subscriptions grouped by
 * upstream vertex.
 */
final class StatusFields {

  /** Fields whose non-null text is a problem the vertex reports. */
  private static final Set<String> PROBLEM_FIELDS = Set.of("lastFailure", "writerError", "udfProblem", "resolveError", "udfError",
      "error");

  private StatusFields() {
  }

  /** Messages received from upstreams and not yet acked to them: every subscription's {@code unacked}, summed. */
  static double inputUnacked(JsonObject status) {
    double[] sum = {0};
    walk(status, o -> {
      if (o.containsKey("subscriber") && o.containsKey("received") && o.getValue("unacked") instanceof Number n) {
        sum[0] += n.doubleValue();
      }
    });
    return sum[0];
  }

  /** A source's {@code pending} (what its system still holds for it: Kafka lag, a UDSource's pending), summed; null when it reports none. */
  static Double pending(JsonObject status) {
    double[] sum = {0};
    boolean[] found = {false};
    walk(status, o -> {
      if (o.getValue("pending") instanceof Number n && n.doubleValue() >= 0) {
        sum[0] += n.doubleValue();
        found[0] = true;
      }
    });
    return found[0] ? sum[0] : null;
  }

  /** {@code fixed} or {@code auto}, from the first instance that says; null for a vertex without a concurrency limit. */
  static String concurrencyMode(JsonObject status) {
    String[] mode = {null};
    walk(status, o -> {
      if (mode[0] == null && o.getValue("concurrencyMode") instanceof String m) {
        mode[0] = m;
      }
    });
    return mode[0];
  }

  /** The distinct problems the status reports ({@code lastFailure}, {@code writerError}, ... that are set). */
  static List<String> problems(JsonObject status) {
    Set<String> out = new LinkedHashSet<>();
    walk(status, o -> PROBLEM_FIELDS.forEach(f -> {
      if (o.getValue(f) instanceof String text && !text.isBlank()) {
        out.add(text);
      }
    }));
    return new ArrayList<>(out);
  }

  /**
   * The outbound edges, each as the console's vertex page shows it ({@code to}, {@code condition},
   * {@code subscribers}): the named edges' {@code edge.edges[]}, or for the single unnamed edge (a
   * vertex without {@code X.edge.to}, whose {@code /status} has only {@code edge.subscribers}) one
   * entry without {@code to}; empty for a vertex that serves no edge.
   */
  static JsonArray outEdgeStatus(JsonObject status) {
    JsonObject edge = status.getValue("edge") instanceof JsonObject e ? e : null;
    if (edge == null) {
      return new JsonArray();
    }
    if (edge.getValue("edges") instanceof JsonArray edges) {
      return edges;
    }
    JsonArray subs = edge.getValue("subscribers") instanceof JsonArray a ? a : new JsonArray();
    return new JsonArray().add(new JsonObject().put("to", null).put("condition", null).put("subscribers", subs));
  }

  /**
   * The outbound edges: each {to, condition or null}. The single unnamed edge leads to the vertices
   * of its subscribers.
   */
  static List<String[]> outEdges(JsonObject status) {
    List<String[]> out = new ArrayList<>();
    JsonArray edges = outEdgeStatus(status);
    for (Object o : edges) {
      if (!(o instanceof JsonObject e)) {
        continue;
      }
      Object c = e.getValue("condition");
      String condition = c == null ? null : c.toString();
      if (e.getValue("to") instanceof String to && !to.isEmpty()) {
        out.add(new String[] {to, condition});
      } else if (e.getValue("subscribers") instanceof JsonArray subs) {
        Set<String> seen = new LinkedHashSet<>();
        subs.forEach(x -> {
          if (x instanceof JsonObject sub && sub.getValue("vertex") instanceof String v && !v.isEmpty() && seen.add(v)) {
            out.add(new String[] {v, condition});
          }
        });
      }
    }
    return out;
  }

  /** Calls {@code visit} on every object in {@code json}, depth first, not under {@code upstreamVertices} or {@code config}. */
  static void walk(Object json, java.util.function.Consumer<JsonObject> visit) {
    if (json instanceof JsonObject o) {
      visit.accept(o);
      for (String k : o.fieldNames()) {
        if (!k.equals("upstreamVertices") && !k.equals("config")) {
          walk(o.getValue(k), visit);
        }
      }
    } else if (json instanceof JsonArray a) {
      for (Object x : a) {
        walk(x, visit);
      }
    }
  }
}
