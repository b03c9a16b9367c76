package io.flowmesh.runtime.service;

import io.flowmesh.proto.edge.v1.Batch;
import io.flowmesh.proto.edge.v1.SubscriberFrame;
import io.flowmesh.proto.edge.v1.UpstreamFrame;
import io.flowmesh.runtime.edge.EdgeFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads and initialises, before any verticle is deployed, what every vertex would otherwise touch
 * first on an event loop: Netty's buffer allocator (whose first chunk registers its JFR events, which
 * initialises the JDK's flight recorder metadata), the transport, an HTTP/2 server and client
 * connection, and the edge's protobuf messages. On a busy 2-core machine that first use blocked
 * an event loop for 2–6 s at start-up; here it costs the same time once, on the main thread, and
 * on a throwaway Vert.x instance whose event loops serve nothing else.
 */
public final class WarmUp {

  private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);

  private WarmUp() {
  }

  /**
   * Runs the warm-up; never fails the start (a failure is logged at DEBUG and the service starts as
   * it would have).
   *
   * @param nativeTransport whether the service will use the native transport, so that one is loaded
   */
  public static void run(boolean nativeTransport) {
    long start = System.nanoTime();
    ByteBuf direct = ByteBufAllocator.DEFAULT.directBuffer(1024);
    direct.release();
    byte[] frame = UpstreamFrame.newBuilder().setBatch(Batch.newBuilder().addMessages(io.flowmesh.proto.edge.v1.Message.newBuilder().setId("warm-up")))
        .build().toByteArray();
    try {
      UpstreamFrame.parseFrom(frame);
      EdgeFrames.parse(Buffer.buffer(frame));
      SubscriberFrame.parseFrom(SubscriberFrame.getDefaultInstance().toByteArray());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("warm-up frame does not parse", e);
    }
    // Nothing runs on this instance's event loops but the warm-up: a long block there harms nobody.
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
        .setPreferNativeTransport(nativeTransport).setMaxEventLoopExecuteTime(60).setMaxEventLoopExecuteTimeUnit(TimeUnit.SECONDS));
    try {
      HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
          .requestHandler(req -> req.body().onComplete(b -> req.response().end(Buffer.buffer(frame))));
      HttpClient client = vertx.createHttpClient(new HttpClientOptions()
          .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
      Future<Buffer> roundTrip = server.listen().compose(s -> client
          .request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(s.actualPort()).setURI("/"))
          .compose(req -> req.send(Buffer.buffer(frame)))
          .compose(resp -> resp.body()));
      roundTrip.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      // The client goes first: a server closing under a pooled connection makes Vert.x's pool log
      // "Connection evicted" at WARN, which would be the first line of every service's log.
      client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      LOG.debug("warm-up took {} ms", (System.nanoTime() - start) / 1_000_000);
    } catch (Exception e) {
      LOG.debug("warm-up incomplete, continuing: {}", e.toString());
    } finally {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.debug("warm-up Vert.x did not close: {}", e.toString());
      }
    }
  }
}
