package io.flowmesh.bench.kafka;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loop's counters, served as Prometheus text on {@code http://127.0.0.1:PORT/metrics} for the bench
 * harness to scrape around its windows, as it scrapes the services.
 *
 * <p>Concurrency: each counter is written by the loop's one thread (once per batch, not per record) and
 * read by the HTTP server's thread.
 */
final class LoopStats {

  /** Records produced to the output topic and acknowledged by the broker. */
  final AtomicLong messages = new AtomicLong();
  /** Poll batches produced, acknowledged and committed (asynchronously). */
  final AtomicLong batches = new AtomicLong();
  /** Polls that returned nothing (the input is drained, or the group is not assigned yet). */
  final AtomicLong emptyPolls = new AtomicLong();
  /** Offset commits that failed. */
  final AtomicLong commitFailures = new AtomicLong();

  private final String client;
  private HttpServer server;

  LoopStats(String client) {
    this.client = client;
  }

  /** Serves {@code /metrics} on 127.0.0.1:{@code port}. */
  void serve(int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
    server.createContext("/metrics", exchange -> {
      byte[] body = text().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }

  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  String text() {
    String tags = "{client=\"" + client + "\"}";
    return "# TYPE bench_loop_messages_total counter\nbench_loop_messages_total" + tags + " " + messages.get() + "\n"
        + "# TYPE bench_loop_batches_total counter\nbench_loop_batches_total" + tags + " " + batches.get() + "\n"
        + "# TYPE bench_loop_empty_polls_total counter\nbench_loop_empty_polls_total" + tags + " " + emptyPolls.get() + "\n"
        + "# TYPE bench_loop_commit_failures_total counter\nbench_loop_commit_failures_total" + tags + " " + commitFailures.get() + "\n";
  }
}
