package io.flowmesh.map.udf;

import io.flowmesh.proto.udf.map.v1.Handshake;
import io.flowmesh.proto.udf.map.v1.MapResponse;
import io.flowmesh.proto.grpc.GrpcFrameReader;
import io.flowmesh.proto.grpc.GrpcFrames;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Counts, on a raw HTTP/2 server, the DATA frames that carry 1,000 requests issued in one
 * event-loop turn: Vert.x hands the request handler one buffer per DATA frame, and each
 * client write makes at least one frame, so the count bounds the writes (and flushes).
 */
@ExtendWith(VertxExtension.class)
class CoalescedWritesTest {

  private static final int N = 1_000;

  private HttpServer server;
  private ClientHarness harness;
  private final AtomicInteger dataFrames = new AtomicInteger();
  private final AtomicInteger messages = new AtomicInteger();

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
    server.close().await(10, TimeUnit.SECONDS);
  }

  private int port(Vertx vertx) throws Exception {
    server = vertx.createHttpServer(new HttpServerOptions()).requestHandler(req -> {
      GrpcFrameReader reader = new GrpcFrameReader(1 << 20, "udf.max-message-size", new GrpcFrameReader.Sink() {
        @Override
        public boolean onMessage(Buffer message) {
          if (messages.getAndIncrement() == 0) {
            req.response().putHeader("content-type", "application/grpc");
            req.response().write(Buffer.buffer(GrpcFrames.frame(MapResponse.newBuilder()
                .setHandshake(Handshake.newBuilder().setSot(true)).build())));
          }
          return true;
        }

        @Override
        public void onMalformed(String detail) {
          req.response().reset();
        }
      });
      req.handler(data -> {
        if (messages.get() > 0) {
          dataFrames.incrementAndGet();
        }
        reader.feed(data);
      });
    });
    return server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
  }

  private void sendThousandInOneTurn(Vertx vertx, boolean coalesce) throws Exception {
    harness = new ClientHarness(vertx, TestConfigs.fast("tcp://127.0.0.1:" + port(vertx)).build(), coalesce);
    harness.start();
    harness.mapRange(0, N);
    harness.awaitUntil("the server got every request", Duration.ofSeconds(10), () -> messages.get() == N + 1);
    assertEquals(N, harness.client.stats().requestsSent());
  }

  @Test
  void thousandRequestsIssuedInOneTurnArriveInFarFewerDataFramesThanRequests(Vertx vertx) throws Exception {
    sendThousandInOneTurn(vertx, true);
    assertTrue(dataFrames.get() <= 10, N + " requests came in " + dataFrames.get() + " DATA frames");
  }

  @Test
  void withoutCoalescingEachRequestIsItsOwnDataFrame(Vertx vertx) throws Exception {
    sendThousandInOneTurn(vertx, false);
    assertTrue(dataFrames.get() >= N / 2, N + " requests came in only " + dataFrames.get() + " DATA frames");
  }
}
