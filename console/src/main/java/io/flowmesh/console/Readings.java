package io.flowmesh.console;

import io.flowmesh.runtime.service.PromText;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns one poll's answers into what the page shows: per vertex its rates, buffers, in-flight
 * work, latency, watermark, errors and readiness (every replica's figures added up), and per edge
 * its rate, outstanding credit and whether the downstream holds it back. Rates and latencies are
 * over the poll interval: the change of each counter (or histogram bucket) since the last poll.
 *
 * <p>An edge is <em>held back</em> when its upstream has messages queued for it ({@code
 * flowmesh_edge_queue{to=...}}) and the downstream's subscribers have granted less credit than
 * that ({@code flowmesh_edge_subscriber_credit{to=...}}): the messages wait for the downstream,
 * not for the upstream. With credit to spare the queue drains at once, so a queue larger than the
 * credit only lasts while the downstream takes less than it is offered. An edge with no
 * subscriber connected ({@code flowmesh_edge_subscribers{to=...}} 0) is <em>unsubscribed</em>
 * instead: its downstream is down or not there yet.
 *
 * <p>Concurrency: not thread-safe; one poller uses it.
 */
public final class Readings {

  private final Rates rates = new Rates();
  private final Map<String, TreeMap<Double, Double>> lastBuckets = new HashMap<>();

  /** The vertex as the page shows it, from its replicas' answers at {@code nanos}. */
  public JsonObject vertex(Topology.Vertex v, String kind, List<Scrape> replicas, long nanos) {
    JsonObject j = new JsonObject().put("name", v.name()).put("kind", kind).put("replicas", replicas.size());
    JsonArray problems = new JsonArray();
    int up = 0;
    boolean ready = true;
    String notReady = null;
    double in = 0;
    double out = 0;
    double errors = 0;
    double inRate = Double.NaN;
    double outRate = Double.NaN;
    double errorRate = Double.NaN;
    double retries = 0;
    double redelivered = 0;
    double inputBuffer = 0;
    double inputCapacity = 0;
    double inFlight = 0;
    double limit = 0;
    double queued = 0;
    double queueCapacity = 0;
    double outUnacked = 0;
    double inUnacked = 0;
    double pending = 0;
    boolean hasPending = false;
    double watermark = Double.NaN;
    double lag = Double.NaN;
    String concurrencyMode = null;
    for (Scrape s : replicas) {
      if (!s.up()) {
        problems.add(s.at() + ": " + s.error());
        ready = false;
        continue;
      }
      up++;
      if (!s.ready()) {
        ready = false;
        if (notReady == null) {
          notReady = s.at() + ": " + (s.readyReason() == null ? "not ready" : s.readyReason());
        }
      }
      PromText.Parsed m = s.metrics();
      double rin = m.has("flowmesh_edge_received_total") ? m.sum("flowmesh_edge_received_total") : m.sum("flowmesh_source_messages_total");
      double rout = m.has("flowmesh_edge_sent_total") ? m.sum("flowmesh_edge_sent_total") : m.sum("flowmesh_sink_messages_total");
      double rerrors = 0;
      for (PromText.Sample x : m.samples()) {
        String n = x.name();
        if (n.endsWith("errors_total") || n.endsWith("failures_total") || n.endsWith("protocol_violations_total")) {
          rerrors += x.value();
        } else if (n.endsWith("retries_total")) {
          retries += x.value();
        } else if (n.equals("flowmesh_sink_outcomes_total") && "failed".equals(x.label("outcome"))) {
          rerrors += x.value();
        }
      }
      String replica = v.name() + "|" + s.at() + "|";
      in += rin;
      out += rout;
      errors += rerrors;
      inRate = add(inRate, rates.rate(replica + "in", rin, nanos));
      outRate = add(outRate, rates.rate(replica + "out", rout, nanos));
      errorRate = add(errorRate, rates.rate(replica + "errors", rerrors, nanos));
      redelivered += m.sum("flowmesh_edge_redelivered_total");
      inputBuffer += m.sum("flowmesh_edge_input_buffer");
      inputCapacity += m.sum("flowmesh_edge_input_capacity");
      inFlight += m.sum("flowmesh_map_inflight");
      limit += m.sum("flowmesh_map_concurrency_limit");
      queued += m.sum("flowmesh_edge_queue");
      queueCapacity += m.sum("flowmesh_edge_queue_capacity");
      outUnacked += m.sum("flowmesh_edge_unacked");
      for (String name : List.of("flowmesh_source_watermark_milliseconds", "flowmesh_map_watermark", "flowmesh_sink_watermark_milliseconds")) {
        for (PromText.Sample x : m.named(name)) {
          if (x.value() > 0 && !(x.value() >= watermark)) {
            watermark = x.value();
          }
        }
      }
      for (String name : List.of("flowmesh_source_watermark_lag_milliseconds", "flowmesh_map_watermark_lag", "flowmesh_sink_watermark_lag_milliseconds")) {
        for (PromText.Sample x : m.named(name)) {
          if (!Double.isNaN(x.value()) && !(x.value() <= lag)) {
            lag = x.value();
          }
        }
      }
      JsonObject st = s.status();
      inUnacked += StatusFields.inputUnacked(st);
      if ("source".equals(kind)) {
        Double p = StatusFields.pending(st);
        pending += p != null ? p : Math.max(0, st.getLong("produced", 0L) - st.getLong("acked", 0L));
        hasPending = true;
      }
      if (concurrencyMode == null) {
        concurrencyMode = StatusFields.concurrencyMode(st);
      }
      StatusFields.problems(st).forEach(problem -> problems.add(s.at() + ": " + problem));
    }
    String key = v.name() + "|";
    j.put("up", up).put("state", up == replicas.size() ? "up" : up == 0 ? "down" : "partial");
    j.put("ready", ready && up > 0).put("readyReason", up == 0 ? "down" : notReady);
    j.put("problems", problems);
    if (up == 0) {
      rates.forget(key);
      lastBuckets.keySet().removeIf(k -> k.startsWith(key));
      return j;
    }
    j.put("in", in).put("out", out).put("inRate", finite(inRate)).put("outRate", finite(outRate));
    j.put("errors", errors).put("errorRate", finite(errorRate)).put("retries", retries)
        .put("redelivered", redelivered);
    if (inputCapacity > 0) {
      j.put("inputBuffer", inputBuffer).put("inputCapacity", inputCapacity).put("inputUnacked", inUnacked);
    }
    if (queueCapacity > 0) {
      j.put("outQueue", queued).put("outQueueCapacity", queueCapacity).put("outUnacked", outUnacked);
    }
    if (limit > 0) {
      j.put("inFlight", inFlight).put("concurrency", limit).put("concurrencyMode", concurrencyMode);
    }
    j.put("watermark", finite(watermark)).put("lagMs", finite(lag));
    if (hasPending) {
      j.put("pending", pending);
    }
    String histogram = "map".equals(kind) ? "flowmesh_map_udf_call_seconds_bucket" : "sink".equals(kind)
        ? "flowmesh_sink_e2e_latency_seconds_bucket" : null;
    if (histogram != null) {
      JsonObject lat = latency(key + histogram, replicas, histogram);
      if (lat != null) {
        j.put("latency", lat.put("of", "map".equals(kind) ? "UDF" : "e2e"));
      }
    }
    return j;
  }

  /**
   * The edges as the page shows them, from their upstreams' metrics: the rate sent, the credit the
   * downstream has granted and not had used, what waits in the upstream's queue, and whether the
   * downstream holds the edge back (see the class comment).
   */
  public JsonArray edges(List<Topology.Edge> edges, Map<String, List<Scrape>> byVertex, long nanos) {
    Map<String, Integer> outDegree = new HashMap<>();
    edges.forEach(e -> outDegree.merge(e.from(), 1, Integer::sum));
    JsonArray out = new JsonArray();
    for (Topology.Edge e : edges) {
      JsonObject j = new JsonObject().put("from", e.from()).put("to", e.to()).put("condition", e.condition());
      List<Scrape> up = byVertex.getOrDefault(e.from(), List.of()).stream().filter(Scrape::up).toList();
      if (up.isEmpty()) {
        out.add(j.put("state", "unknown"));
        continue;
      }
      boolean only = outDegree.get(e.from()) == 1;
      double sent = 0;
      double rate = Double.NaN;
      double credit = 0;
      double queued = 0;
      double unacked = 0;
      double subscribers = 0;
      boolean subscribersKnown = false;
      for (Scrape s : up) {
        subscribersKnown |= edgeSeen(s.metrics(), "flowmesh_edge_subscribers", e.to(), only);
        double replicaSent = edgeSum(s.metrics(), "flowmesh_edge_sent_total", e.to(), only);
        sent += replicaSent;
        rate = add(rate, rates.rate("edge|" + e.from() + "|" + e.to() + "|" + s.at(), replicaSent, nanos));
        credit += edgeSum(s.metrics(), "flowmesh_edge_subscriber_credit", e.to(), only);
        queued += edgeSum(s.metrics(), "flowmesh_edge_queue", e.to(), only);
        unacked += edgeSum(s.metrics(), "flowmesh_edge_unacked", e.to(), only);
        subscribers += edgeSum(s.metrics(), "flowmesh_edge_subscribers", e.to(), only);
      }
      boolean held = queued > 0 && credit < queued;
      // no subscriber connected: the downstream is down, not yet subscribed, or refused
      boolean unsubscribed = subscribersKnown && subscribers == 0;
      out.add(j.put("state", unsubscribed ? "unsubscribed" : held ? "held" : "flowing").put("sent", sent).put("rate", finite(rate))
          .put("credit", credit).put("queued", queued).put("unacked", unacked).put("subscribers", subscribers).put("heldBack", held));
    }
    return out;
  }

  /** Whether the upstream reports {@code name} for edge {@code to} at all (as {@link #edgeSum} matches its samples). */
  private static boolean edgeSeen(PromText.Parsed m, String name, String to, boolean only) {
    for (PromText.Sample x : m.named(name)) {
      String tag = x.label("to");
      if (to.equals(tag) || tag == null && only) {
        return true;
      }
    }
    return false;
  }

  /** The samples of an outbound-edge metric for edge {@code to}; those without a {@code to} tag count when it is the only edge. */
  private static double edgeSum(PromText.Parsed m, String name, String to, boolean only) {
    double t = 0;
    for (PromText.Sample x : m.named(name)) {
      String tag = x.label("to");
      if (to.equals(tag) || tag == null && only) {
        t += x.value();
      }
    }
    return t;
  }

  /** p50, p90 and p99 in milliseconds over the interval, from the buckets' increase; null without observations. */
  private JsonObject latency(String key, List<Scrape> replicas, String histogram) {
    TreeMap<Double, Double> now = new TreeMap<>();
    for (Scrape s : replicas) {
      if (s.up()) {
        for (PromText.Sample x : s.metrics().named(histogram)) {
          String le = x.label("le");
          if (le != null) {
            now.merge(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), x.value(), Double::sum);
          }
        }
      }
    }
    TreeMap<Double, Double> before = lastBuckets.put(key, now);
    if (now.isEmpty() || before == null) {
      return null;
    }
    TreeMap<Double, Double> delta = new TreeMap<>();
    boolean restarted = false;
    for (Map.Entry<Double, Double> b : now.entrySet()) {
      double d = b.getValue() - before.getOrDefault(b.getKey(), 0.0);
      restarted |= d < 0;
      delta.put(b.getKey(), d);
    }
    TreeMap<Double, Double> use = restarted ? now : delta;
    if (!(use.lastEntry().getValue() > 0)) {
      return null;
    }
    return new JsonObject().put("p50", finite(Quantiles.of(0.5, use) * 1000)).put("p90", finite(Quantiles.of(0.9, use) * 1000))
        .put("p99", finite(Quantiles.of(0.99, use) * 1000)).put("count", use.lastEntry().getValue());
  }

  /** A sum of replicas' rates: NaN only while no replica has one yet. */
  private static double add(double sum, double rate) {
    return Double.isNaN(rate) ? sum : Double.isNaN(sum) ? rate : sum + rate;
  }

  /** The value, or null for NaN and infinities (JSON has neither). */
  static Double finite(double d) {
    return Double.isFinite(d) ? d : null;
  }

  /** Every edge the upstreams' /status lists ({@code edge.edges[].to}, with its condition): the graph without a spec. */
  public static List<Topology.Edge> discoveredEdges(Map<String, List<Scrape>> byVertex) {
    List<Topology.Edge> out = new ArrayList<>();
    byVertex.forEach((name, scrapes) -> scrapes.stream().filter(Scrape::up).findFirst()
        .ifPresent(s -> StatusFields.outEdges(s.status()).forEach(to -> {
          Topology.Edge e = new Topology.Edge(name, to[0], to[1]);
          if (!out.contains(e) && byVertex.containsKey(to[0])) {
            out.add(e);
          }
        })));
    return out;
  }
}
