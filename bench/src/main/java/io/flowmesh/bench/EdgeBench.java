package io.flowmesh.bench;

import com.google.protobuf.ByteString;
import io.flowmesh.runtime.config.HostPort;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.EdgeOptions;
import io.flowmesh.runtime.edge.EdgeServer;
import io.flowmesh.runtime.edge.EdgeSubscriber;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Random;

/**
 * One edge between two JVMs: the upstream produces fixed-size messages as fast as credit allows;
 * the downstream acks each and writes its running count to a file every 100 ms, which
 * {@code scripts/bench-edge.sh} samples around its measurement window.
 */
final class EdgeBench {

  private EdgeBench() {
  }

  static void upstream(String[] args) {
    int port = Integer.parseInt(args[0]);
    int size = Integer.parseInt(args[1]);
    byte[] bytes = new byte[size];
    new Random(1).nextBytes(bytes);
    ByteString value = ByteString.copyFrom(bytes);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
    vertx.runOnContext(v -> {
      EdgeServer server = new EdgeServer(vertx, "bench-source", EdgeOptions.defaults(), 16_384, new SimpleMeterRegistry());
      long[] next = {0};
      server.demandHandler(x -> {
        long now = System.currentTimeMillis();
        for (long n = server.demand(); n > 0; n--) {
          server.offer(EdgeMessage.newBuilder().setId(Long.toString(next[0]++)).setValue(value).setEventTime(now)
              .setIngestTime(now).build(), null);
        }
        server.watermark(now);
      });
      server.listen("127.0.0.1", port).onSuccess(p -> System.out.println("edge-upstream listening on " + p))
          .onFailure(e -> {
            e.printStackTrace();
            System.exit(1);
          });
    });
  }

  static void downstream(String[] args) {
    HostPort upstream = HostPort.parse(args[0]);
    Path report = Path.of(args[1]);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
    vertx.runOnContext(v -> {
      EdgeSubscriber sub = new EdgeSubscriber(vertx, "bench-sink", "bench-0", upstream, EdgeOptions.defaults(),
          new SimpleMeterRegistry());
      long[] count = {0};
      sub.handler(d -> {
        count[0]++;
        sub.ack(d);
      });
      sub.start();
      Path tmp = report.resolveSibling(report.getFileName() + ".tmp");
      vertx.setPeriodic(100, id -> {
        String line = count[0] + " " + System.nanoTime() + "\n";
        vertx.executeBlocking(() -> {
          Files.writeString(tmp, line);
          Files.move(tmp, report, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
          return null;
        });
      });
    });
  }
}
