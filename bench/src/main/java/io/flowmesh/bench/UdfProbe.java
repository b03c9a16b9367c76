package io.flowmesh.bench;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.udf.map.v1.Handshake;
import io.flowmesh.proto.udf.map.v1.MapGrpcClient;
import io.flowmesh.proto.udf.map.v1.MapRequest;
import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.flowmesh.runtime.config.HostPort;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code udf-probe --address HOST:PORT --rate R --seconds S [--warmup W] [--size B]}: the round trip
 * of a unary map UDF alone, without map-service. One {@code MapFn} stream; requests of B bytes go
 * out at R per second on a 1 ms timer for W + S seconds, each answer is timed from its request's
 * write. Prints one JSON line: p50/p90/p99/p99.9/max of the S measured seconds in ms, and the p99
 * of the timer's own lateness (how late the probe sent, not counted in the round trip).
 *
 * <p>Concurrency: everything runs on the client's one event loop; the main thread only waits.
 */
final class UdfProbe {

  private UdfProbe() {
  }

  static void main(String[] args) throws Exception {
    HostPort address = null;
    double rate = 1000;
    int seconds = 20;
    int warmup = 10;
    int size = 500;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--address" -> address = HostPort.parse(args[i + 1]);
        case "--rate" -> rate = Double.parseDouble(args[i + 1]);
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        case "--size" -> size = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("udf-probe: unknown option " + args[i]);
      }
    }
    if (address == null) {
      throw new IllegalArgumentException("udf-probe needs --address HOST:PORT");
    }
    System.out.println(probe(address, rate, seconds, warmup, size).encode());
  }

  /**
   * Probes the UDF at {@code address}; the result as {@link UdfProbe} describes it ({@code finished}
   * false when answers were missing {@code warmup + seconds + 60} s after the start).
   *
   * @throws IllegalStateException when no {@code MapFn} call can be opened there
   */
  static JsonObject probe(HostPort address, double rate, int seconds, int warmup, int size) throws Exception {
    int total = (int) (rate * (warmup + seconds));
    int from = (int) (rate * warmup);
    long[] sentAt = new long[total];
    long[] roundTrip = new long[total];
    long[] lateness = new long[total];
    CountDownLatch answered = new CountDownLatch(total);
    ByteString value = ByteString.copyFrom(new byte[size]);
    double interval = 1e9 / rate;
    Vertx vertx = Vertx.vertx();
    try {
      GrpcClient client = GrpcClient.client(vertx, new HttpClientOptions().setHttp2ClearTextUpgrade(false));
      SocketAddress server = SocketAddress.inetSocketAddress(address.port(), address.host());
      Promise<Void> opened = Promise.promise();
      vertx.runOnContext(v -> client.request(server, MapGrpcClient.MapFn).onSuccess(req -> {
        opened.tryComplete();
        req.response().onSuccess(resp -> {
          resp.handler(r -> answer(r, sentAt, roundTrip, answered));
          resp.exceptionHandler(e -> System.err.println("udf-probe: the MapFn stream failed: " + e));
          resp.endHandler(v2 -> {
            if (answered.getCount() > 0) {
              System.err.println("udf-probe: the UDF ended the MapFn stream with " + answered.getCount() + " answers missing ("
                  + resp.status() + (resp.statusMessage() == null ? "" : ": " + resp.statusMessage()) + ")");
            }
          });
        }).onFailure(e -> System.err.println("udf-probe: no MapFn response: " + e));
        req.write(MapRequest.newBuilder().setHandshake(Handshake.newBuilder().setSot(true)).build());
        long start = System.nanoTime() + 100_000_000L;
        int[] next = {0};
        vertx.setPeriodic(1, id -> {
          long now = System.nanoTime();
          while (next[0] < total && start + (long) (next[0] * interval) <= now) {
            int i = next[0]++;
            lateness[i] = now - (start + (long) (i * interval));
            sentAt[i] = System.nanoTime();
            send(req, i, value);
          }
          if (next[0] == total) {
            vertx.cancelTimer(id);
          }
        });
      }).onFailure(opened::tryFail));
      try {
        opened.future().await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("udf-probe: cannot open MapFn at " + server + ": " + e.getMessage(), e);
      }
      boolean finished = answered.await(warmup + seconds + 60L, TimeUnit.SECONDS);
      long[] rt = Arrays.stream(Arrays.copyOfRange(roundTrip, from, total)).filter(x -> x > 0).sorted().toArray();
      long[] late = Arrays.copyOfRange(lateness, from, total);
      Arrays.sort(late);
      return new JsonObject().put("rate", rate).put("seconds", seconds).put("size", size)
          .put("answered", rt.length).put("finished", finished)
          .put("p50_ms", ServingLoad.q(rt, 0.5)).put("p90_ms", ServingLoad.q(rt, 0.9)).put("p99_ms", ServingLoad.q(rt, 0.99)).put("p999_ms", ServingLoad.q(rt, 0.999))
          .put("max_ms", ServingLoad.q(rt, 1.0)).put("timer_lateness_p99_ms", ServingLoad.q(late, 0.99));
    } finally {
      vertx.close().await();
    }
  }

  private static void send(GrpcClientRequest<MapRequest, MapResponse> req, int i, ByteString value) {
    req.write(MapRequest.newBuilder().setId(Integer.toString(i)).setRequest(MapRequest.Request.newBuilder().setValue(value)).build());
  }

  /** Times the answer to request {@code id}; the handshake's answer (no id) is not timed. */
  private static void answer(MapResponse r, long[] sentAt, long[] roundTrip, CountDownLatch answered) {
    if (r.getId().isEmpty()) {
      return;
    }
    int i = Integer.parseInt(r.getId());
    roundTrip[i] = System.nanoTime() - sentAt[i];
    answered.countDown();
  }
}
