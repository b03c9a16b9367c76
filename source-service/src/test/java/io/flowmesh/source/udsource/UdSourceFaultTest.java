package io.flowmesh.source.udsource;

import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.udf.source.v1.AckResponse;
import io.flowmesh.proto.udf.source.v1.Handshake;
import io.flowmesh.proto.udf.source.v1.ReadResponse;
import io.flowmesh.proto.udf.source.v1.ReadyResponse;
import io.flowmesh.runtime.config.HostPort;
import io.flowmesh.runtime.edge.EdgeOptions;
import io.flowmesh.runtime.edge.EdgeSubscriber;
import io.flowmesh.runtime.service.Launched;
import io.flowmesh.runtime.service.Readiness;
import io.flowmesh.runtime.testing.OnLoop;
import io.flowmesh.proto.grpc.GrpcFrames;
import io.flowmesh.source.SourceMain;
import io.flowmesh.source.SourceVertex;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The udsource against a fake {@code source.v1} server that breaks the protocol one way: each
 * fault is counted, {@code /readyz} names the udsource and the fault, and the service keeps
 * running (it reconnects and meets the same fault again).
 */
class UdSourceFaultTest {

  private final Vertx vertx = Vertx.vertx();
  private final Context ctx = vertx.getOrCreateContext();
  private Launched source;
  private EdgeSubscriber subscriber;

  @AfterEach
  void tearDown() {
    if (subscriber != null) {
      OnLoop.run(ctx, subscriber::close);
    }
    if (source != null) {
      OnLoop.await(source.stop(Duration.ofSeconds(5)), 20_000);
    }
    OnLoop.await(vertx.close(), 10_000);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "missing-handshake | invalid handshake",
      "garbage           | undecodable ReadResponse",
      "no-offset         | without an offset",
      "no-eot            | no status{eot} within"})
  void aProtocolFaultIsCountedNamedAndTheServiceStaysUp(String fault, String expected) throws Exception {
    HttpServer fake = OnLoop.await(vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true))
        .requestHandler(req -> serve(req, fault)).listen(0, "127.0.0.1"), 10_000);
    source = new SourceMain().launch(new String[] {"--source.http.port=0", "--source.edge.port=0", "--vertx.event-loops=1",
        "--source.type=udsource", "--source.udsource.address=tcp://127.0.0.1:" + fake.actualPort(),
        "--source.udsource.timeout=1s", "--source.udsource.read-timeout=200ms", "--source.udsource.poll-interval=100ms",
        "--source.udsource.reconnect.max-backoff=300ms"}, Map.of());
    int port = OnLoop.await(((SourceVertex) source.vertex()).edgePort(), 5000);
    subscriber = OnLoop.call(ctx, () -> {
      EdgeSubscriber s = new EdgeSubscriber(vertx, "map", "t", new HostPort("127.0.0.1", port), EdgeOptions.defaults(),
          new SimpleMeterRegistry());
      s.handler(d -> { }).start();
      return s;
    });
    until(() -> faults() >= 2, 30_000, () -> fault + ": two faults counted (the second after a reconnect), got " + faults());
    Readiness r = OnLoop.await(source.vertex().readiness(), 5000);
    assertTrue(!r.ready() && r.reason().contains("udsource") && r.reason().contains("source.v1") && r.reason().contains(expected),
        fault + ": /readyz reason " + r.reason());
    assertEquals("udsource", OnLoop.await(source.vertex().status(), 5000).getString("type"), "the service still answers");
  }

  private double faults() {
    var c = source.registry().find("flowmesh.source.udsource.protocol.faults").counter();
    return c == null ? 0 : c.count();
  }

  private static void serve(HttpServerRequest req, String fault) {
    String path = req.path();
    req.response().putHeader("content-type", "application/grpc");
    if (path.endsWith("/IsReady")) {
      req.response().putTrailer("grpc-status", "0");
      req.response().end(Buffer.buffer(GrpcFrames.frame(ReadyResponse.newBuilder().setReady(true).build())));
      return;
    }
    if (!path.endsWith("/ReadFn") && !path.endsWith("/AckFn")) {
      req.response().putHeader("grpc-status", "12").end(); // PendingFn, PartitionsFn: unimplemented
      return;
    }
    boolean read = path.endsWith("/ReadFn");
    int[] chunks = new int[1];
    req.handler(data -> {
      chunks[0]++;
      if (!read) {
        if (chunks[0] == 1) {
          req.response().write(Buffer.buffer(GrpcFrames.frame(AckResponse.newBuilder().setHandshake(Handshake.newBuilder().setSot(true)).build())));
        }
        return;
      }
      if (chunks[0] == 1) {
        switch (fault) {
          case "missing-handshake" -> req.response().write(Buffer.buffer(GrpcFrames.frame(ReadResponse.newBuilder()
              .setStatus(ReadResponse.Status.newBuilder().setEot(true)).build())));
          case "garbage" -> req.response().write(Buffer.buffer(new byte[] {0, 0, 0, 0, 3, (byte) 0xff, (byte) 0xff, (byte) 0xff}));
          default -> req.response().write(Buffer.buffer(GrpcFrames.frame(ReadResponse.newBuilder()
              .setHandshake(Handshake.newBuilder().setSot(true)).build())));
        }
      } else if (fault.equals("no-offset")) {
        req.response().write(Buffer.buffer(GrpcFrames.frame(ReadResponse.newBuilder()
            .setResult(ReadResponse.Result.newBuilder().setPayload(ByteString.copyFromUtf8("x"))).build())));
      } // no-eot: never answers the ReadRequest
    });
  }
}
