package io.flowmesh.systemtests;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for one vertex replica as the console reads it: {@code /status}, {@code /metrics} and
 * {@code /readyz} with the shapes the services give them, on 127.0.0.1 (a port of its own). Its
 * counters grow by a fixed step at each read of {@code /metrics}, so rates and latencies over a
 * poll interval are above zero; what it reports is otherwise fixed, so a page drawn from it is the
 * same at every poll. For browser tests of the drawing, where a real pipeline's numbers would only
 * make it less repeatable.
 */
final class FakeVertex implements AutoCloseable {

  /** An outbound edge: its downstream, its condition ({@code or:even}) or null, and whether a subscriber is connected. */
  record Out(String to, String condition, boolean subscribed) {
  }

  private final String kind;
  private final List<Out> outs;
  private final String notReady;
  private final AtomicLong reads = new AtomicLong();
  private final HttpServer server;

  /**
   * @param kind source, map or sink
   * @param notReady the reason {@code /readyz} gives (503), or null: ready
   */
  FakeVertex(String kind, List<Out> outs, String notReady) throws IOException {
    this.kind = kind;
    this.outs = List.copyOf(outs);
    this.notReady = notReady;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/status", x -> answer(x, 200, "application/json", status()));
    server.createContext("/metrics", x -> answer(x, 200, "text/plain; version=0.0.4", metrics(reads.incrementAndGet())));
    server.createContext("/readyz", x -> answer(x, notReady == null ? 200 : 503, "application/json", notReady == null
        ? "{\"ready\":true}" : "{\"ready\":false,\"reason\":\"" + notReady.replace("\"", "'") + "\",\"service\":\"" + kind + "\"}"));
    server.start();
  }

  /** host:port of its HTTP server. */
  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private String status() {
    StringBuilder edges = new StringBuilder();
    for (Out o : outs) {
      edges.append(edges.length() == 0 ? "" : ",").append("{\"to\":\"").append(o.to()).append("\",\"condition\":")
          .append(o.condition() == null ? "null" : "\"" + o.condition() + "\"").append(",\"subscribers\":[]}");
    }
    return "{\"service\":\"" + kind + "\"" + (outs.isEmpty() ? "" : ",\"edge\":{\"edges\":[" + edges + "]}") + "}";
  }

  private String metrics(long n) {
    List<String> m = new ArrayList<>();
    if (kind.equals("source")) {
      m.add("flowmesh_source_messages_total " + 300 * n);
      m.add("flowmesh_source_watermark_lag_milliseconds 85");
    } else {
      m.add("flowmesh_edge_received_total " + 330 * n);
      m.add("flowmesh_edge_input_buffer 120");
      m.add("flowmesh_edge_input_capacity 8192");
    }
    if (kind.equals("map")) {
      m.add("flowmesh_map_inflight 37");
      m.add("flowmesh_map_concurrency_limit 500");
      m.add("flowmesh_map_watermark_lag 140");
      histogram(m, "flowmesh_map_udf_call_seconds_bucket", n);
    }
    if (kind.equals("sink")) {
      m.add("flowmesh_sink_messages_total " + 330 * n);
      m.add("flowmesh_sink_watermark_lag_milliseconds 1234");
      histogram(m, "flowmesh_sink_e2e_latency_seconds_bucket", n);
    }
    if (!outs.isEmpty()) {
      m.add("flowmesh_edge_queue_capacity 10000");
    }
    for (Out o : outs) {
      String to = "{to=\"" + o.to() + "\"}";
      m.add("flowmesh_edge_sent_total" + to + " " + (o.subscribed() ? 1234 * n : 0));
      m.add("flowmesh_edge_subscriber_credit" + to + " " + (o.subscribed() ? 12345 : 0));
      m.add("flowmesh_edge_queue" + to + " " + (o.subscribed() ? 0 : 1037));
      m.add("flowmesh_edge_unacked" + to + " 12");
      m.add("flowmesh_edge_subscribers" + to + " " + (o.subscribed() ? 1 : 0));
    }
    return String.join("\n", m) + "\n";
  }

  /** A latency histogram that takes 100 observations per read: p50 in the 50 ms bucket, p99 in the 5 s one. */
  private static void histogram(List<String> m, String name, long n) {
    String[] le = {"0.005", "0.05", "0.5", "5", "+Inf"};
    long[] count = {10, 60, 95, 100, 100};
    for (int i = 0; i < le.length; i++) {
      m.add(name + "{le=\"" + le[i] + "\"} " + count[i] * n);
    }
  }

  private static void answer(HttpExchange x, int code, String type, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", type);
    x.sendResponseHeaders(code, b.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(b);
    }
  }
}
