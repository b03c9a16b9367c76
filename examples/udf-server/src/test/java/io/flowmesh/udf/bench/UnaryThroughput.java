package io.flowmesh.udf.bench;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.udf.map.v1.Handshake;
import io.flowmesh.proto.udf.map.v1.MapGrpcClient;
import io.flowmesh.proto.udf.map.v1.MapRequest;
import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.flowmesh.udf.UdfAddress;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.GrpcClientRequest;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Measures how many elements per second a running UDF answers on one unary {@code MapFn} call,
 * keeping a fixed number of elements in flight: not a test, run by hand.
 *
 * <pre>
 * java -jar examples/udf-server/target/flowmesh-udf.jar cat --address tcp://127.0.0.1:50051 &amp;
 * java -cp "examples/udf-server/target/test-classes:$(cat cp.txt)" io.flowmesh.udf.bench.UnaryThroughput \
 *     tcp://127.0.0.1:50051 [seconds=20] [inFlight=2000] [valueBytes=100]
 * </pre>
 *
 * The first quarter of the run is warm-up and not counted. All state lives on one event loop.
 */
public final class UnaryThroughput {

  private final GrpcClientRequest<MapRequest, MapResponse> call;
  private final ByteString value;
  private long sent;
  private long answered;

  private UnaryThroughput(GrpcClientRequest<MapRequest, MapResponse> call, int valueBytes) {
    this.call = call;
    this.value = ByteString.copyFrom(new byte[valueBytes]);
  }

  public static void main(String[] args) throws Exception {
    UdfAddress address = UdfAddress.parse(args[0]);
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int inFlight = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
    int valueBytes = args.length > 3 ? Integer.parseInt(args[3]) : 100;
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(1));
    GrpcClient client = GrpcClient.client(vertx, new GrpcClientOptions().setMaxMessageSize(64 * 1024 * 1024));
    CountDownLatch finished = new CountDownLatch(1);
    vertx.runOnContext(v -> client.request(address.toSocketAddress(), MapGrpcClient.MapFn).onSuccess(call -> {
      UnaryThroughput bench = new UnaryThroughput(call, valueBytes);
      call.response().onSuccess(response -> response.handler(bench::onResponse));
      call.write(MapRequest.newBuilder().setHandshake(Handshake.newBuilder().setSot(true)).build());
      bench.fill(inFlight);
      long warmUpMs = seconds * 250L;
      vertx.setTimer(warmUpMs, t -> {
        long start = System.nanoTime();
        long startAnswered = bench.answered;
        vertx.setTimer(seconds * 1000L - warmUpMs, t2 -> {
          double elapsed = (System.nanoTime() - start) / 1e9;
          System.out.printf("answered %.0f elements/s (%d in %.1f s, %d in flight, %d-byte values)%n",
              (bench.answered - startAnswered) / elapsed, bench.answered - startAnswered, elapsed, inFlight, valueBytes);
          finished.countDown();
        });
      });
    }).onFailure(e -> {
      e.printStackTrace();
      finished.countDown();
    }));
    finished.await(seconds + 30L, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private void onResponse(MapResponse response) {
    if (!response.hasHandshake()) {
      answered++;
      fill(1);
    }
  }

  private void fill(int n) {
    for (int i = 0; i < n; i++) {
      call.write(MapRequest.newBuilder()
          .setId(Long.toString(sent++))
          .setRequest(MapRequest.Request.newBuilder().addKeys("k").setValue(value))
          .build());
    }
  }
}
