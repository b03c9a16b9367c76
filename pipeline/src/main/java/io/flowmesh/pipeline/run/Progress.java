package io.flowmesh.pipeline.run;

import io.flowmesh.pipeline.plan.ServicePlan;
import io.flowmesh.pipeline.spec.VertexKind;
import io.flowmesh.runtime.service.PromText;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One progress line per vertex from its replicas' {@code /metrics}: messages in and out, summed
 * over the replicas, with the rate since the last line.
 *
 * <h2>Concurrency</h2>
 * Used by the runner's main thread only.
 */
final class Progress {

  /** A vertex's counts at one moment. */
  record Counts(double in, double out, double acked, boolean reachable) {
  }

  private final Map<String, Counts> previous = new HashMap<>();
  private long previousNanos;

  /** The counts of a vertex's replicas now; {@code reachable} is false when no replica answered. */
  static Counts counts(VertexKind kind, List<ServicePlan> replicas) {
    double in = 0;
    double out = 0;
    double acked = 0;
    boolean any = false;
    for (ServicePlan p : replicas) {
      Http.Response r = Http.get("http://127.0.0.1:" + p.httpPort() + "/metrics");
      if (r == null || r.status() != 200) {
        continue;
      }
      any = true;
      PromText.Parsed text = PromText.parse(r.body());
      switch (kind) {
        case SOURCE -> {
          out += text.sum("flowmesh_source_messages_total");
          acked += text.sum("flowmesh_source_acked_total");
        }
        case MAP -> {
          in += text.sum("flowmesh_map_elements_in_total");
          out += text.sum("flowmesh_map_outputs_total");
          acked += text.sum("flowmesh_map_acked_total");
        }
        case SINK -> in += text.sum("flowmesh_sink_messages_total");
        default -> throw new IllegalStateException();
      }
    }
    return new Counts(in, out, acked, any);
  }

  /**
   * The order to read the vertices' counters in: {@code order} (the graph's, sources first)
   * reversed, so every vertex is read before its upstream. Read the other way, messages that move
   * on between two reads show up downstream but not yet upstream, and a sink seems to have more
   * than its source sent.
   */
  static List<String> readOrder(List<String> order) {
    List<String> reversed = new java.util.ArrayList<>(order);
    java.util.Collections.reverse(reversed);
    return reversed;
  }

  /** Starts the rates from now. */
  void start(Map<String, Counts> now) {
    previous.putAll(now);
    previousNanos = System.nanoTime();
  }

  /** The lines for {@code now} (vertex name to its kind and counts), and remembers them for the next rates. */
  List<String> lines(long elapsedSeconds, Map<String, VertexKind> kinds, Map<String, Counts> now) {
    long t = System.nanoTime();
    double seconds = Math.max(1e-3, (t - previousNanos) / 1e9);
    int width = kinds.keySet().stream().mapToInt(String::length).max().orElse(4);
    List<String> out = new java.util.ArrayList<>();
    kinds.forEach((vertex, kind) -> {
      Counts c = now.get(vertex);
      Counts p = previous.getOrDefault(vertex, new Counts(0, 0, 0, false));
      String head = String.format("[%5ds] %-" + width + "s %-6s ", elapsedSeconds, vertex, kind.service());
      if (!c.reachable()) {
        out.add(head + "(no answer on /metrics)");
        return;
      }
      String line = switch (kind) {
        case SOURCE -> String.format("out %.0f (%.0f/s), acked %.0f", c.out(), (c.out() - p.out()) / seconds, c.acked());
        case MAP -> String.format("in %.0f (%.0f/s), out %.0f (%.0f/s)", c.in(), (c.in() - p.in()) / seconds, c.out(),
            (c.out() - p.out()) / seconds);
        case SINK -> String.format("in %.0f (%.0f/s)", c.in(), (c.in() - p.in()) / seconds);
      };
      out.add(head + line);
    });
    previous.putAll(now);
    previousNanos = t;
    return out;
  }
}
