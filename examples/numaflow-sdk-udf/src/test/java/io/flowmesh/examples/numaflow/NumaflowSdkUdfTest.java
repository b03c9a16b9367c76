package io.flowmesh.examples.numaflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.udf.map.v1.Handshake;
import io.flowmesh.proto.udf.map.v1.MapGrpcClient;
import io.flowmesh.proto.udf.map.v1.MapRequest;
import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.flowmesh.proto.udf.map.v1.TransmissionStatus;
import io.flowmesh.runtime.testing.PortFinder;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.GrpcClientRequest;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the SDK-built UDF in a child JVM and talks to it with a Vert.x gRPC client, the client
 * map-service uses.
 */
class NumaflowSdkUdfTest {

  private static final String END = "U+005C__END__";

  @TempDir
  Path dir;
  private Vertx vertx;
  private GrpcClient client;

  @BeforeEach
  void client() {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    client = GrpcClient.client(vertx, new GrpcClientOptions().setMaxMessageSize(64 * 1024 * 1024));
  }

  @AfterEach
  void close() throws Exception {
    client.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Sends the handshake and {@code requests} on one MapFn call; returns the first {@code n} responses. */
  private List<MapResponse> exchange(SocketAddress address, List<MapRequest> requests, int n) throws Exception {
    List<MapResponse> responses = new ArrayList<>();
    CompletableFuture<List<MapResponse>> done = new CompletableFuture<>();
    GrpcClientRequest<MapRequest, MapResponse> call = client.request(address, MapGrpcClient.MapFn).await(10, TimeUnit.SECONDS);
    call.response().onSuccess(response -> response.handler(message -> {
      responses.add(message);
      if (responses.size() == n) {
        done.complete(List.copyOf(responses));
      }
    })).onFailure(done::completeExceptionally);
    call.write(MapRequest.newBuilder().setHandshake(Handshake.newBuilder().setSot(true)).build());
    requests.forEach(call::write);
    try {
      return done.get(20, TimeUnit.SECONDS);
    } finally {
      call.cancel();
    }
  }

  private static MapRequest element(String id, String value, String key) {
    return MapRequest.newBuilder()
        .setId(id)
        .setRequest(MapRequest.Request.newBuilder().addKeys(key).setValue(ByteString.copyFromUtf8(value)))
        .build();
  }

  @Test
  void theUnaryMapperAnswersAHandshakeAndOneElementOverAUnixSocketAndWritesItsServerInfo() throws Exception {
    Path socket = dir.resolve("map.sock");
    try (SdkUdfProcess udf = SdkUdfProcess.start(dir, "unary", "--socket", socket.toString())) {
      List<MapResponse> responses = exchange(SocketAddress.domainSocketAddress(socket.toString()),
          List.of(element("id-1", "hello sdk", "k")), 2);

      assertTrue(responses.get(0).getHandshake().getSot());
      assertEquals("id-1", responses.get(1).getId());
      assertEquals("HELLO SDK", responses.get(1).getResults(0).getValue().toStringUtf8(), udf.output());
      assertEquals(List.of("k"), responses.get(1).getResults(0).getKeysList());
      String info = Files.readString(dir.resolve("mapper-server-info"));
      assertTrue(info.endsWith(END) && info.contains("\"MAP_MODE\":\"unary-map\"") && info.contains("\"protocol\":\"uds\""), info);
    }
  }

  @Test
  void theBatchMapperAnswersEveryIdThenAnEndOfTransmission() throws Exception {
    Path socket = dir.resolve("batchmap.sock");
    try (SdkUdfProcess udf = SdkUdfProcess.start(dir, "batch", "--socket", socket.toString())) {
      MapRequest eot = MapRequest.newBuilder().setStatus(TransmissionStatus.newBuilder().setEot(true)).build();
      List<MapResponse> responses = exchange(SocketAddress.domainSocketAddress(socket.toString()),
          List.of(element("a", "one", "k"), element("b", "two", "k"), eot), 4);

      assertEquals("ONE", responses.get(1).getResults(0).getValue().toStringUtf8(), udf.output());
      assertEquals("TWO", responses.get(2).getResults(0).getValue().toStringUtf8());
      assertEquals(List.of("a", "b"), List.of(responses.get(1).getId(), responses.get(2).getId()));
      assertTrue(responses.get(3).getStatus().getEot());
      assertTrue(Files.readString(dir.resolve("mapper-server-info")).contains("\"MAP_MODE\":\"batch-map\""));
    }
  }

  /**
   * Over TCP the SDK binds all interfaces ({@code ServerBuilder.forPort}), not just loopback, for
   * the second or two the test runs, on a free port; map-service's NumaflowSdkUdfPipelineTest does
   * the same, so this runs by default too.
   */
  @Test
  void theUnaryMapperAnswersOverTcpOnTheGivenPort() throws Exception {
    int port = PortFinder.freePort();
    try (SdkUdfProcess udf = SdkUdfProcess.start(dir, "unary", "--port", Integer.toString(port))) {
      List<MapResponse> responses = exchange(SocketAddress.inetSocketAddress(port, "127.0.0.1"),
          List.of(element("1", "tcp", "k")), 2);

      assertEquals("TCP", responses.get(1).getResults(0).getValue().toStringUtf8(), udf.output());
    }
  }

  @Test
  void theUdsinkListensWhereItsAddressSaysLikeEveryOtherSubcommand() throws Exception {
    int port = PortFinder.freePort();
    Path out = dir.resolve("sink.txt");
    try (SdkUdfProcess udf = SdkUdfProcess.start(dir, "udsink", "--out", out.toString(), "--address", "tcp://127.0.0.1:" + port)) {
      // the SDK logs its own "listening on" line first: wait for this program's
      assertTrue(udf.awaitOutput("udsink numaflow-sdk-file listening on tcp://0.0.0.0:" + port + " out=" + out, 30), udf.output());
      try (java.net.Socket connected = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
        assertTrue(connected.isConnected());
      }
    }
  }

  @Test
  void theUdsinkRefusesAFractionOutsideZeroToOneNamingTheOption() throws Exception {
    try (SdkUdfProcess udf = SdkUdfProcess.launch(dir, "udsink", "--out", dir.resolve("x").toString(),
        "--failure-fraction", "2", "--port", Integer.toString(PortFinder.freePort()))) {
      assertEquals(2, udf.awaitExit(60), udf.output());
      assertTrue(udf.awaitOutput("udsink: --failure-fraction '2' is not a number between 0 and 1; usage: ", 10), udf.output());
    }
  }
}
