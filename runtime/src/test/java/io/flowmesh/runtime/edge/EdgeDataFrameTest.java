package io.flowmesh.runtime.edge;

import static io.flowmesh.runtime.testing.OnLoop.awaitOn;
import static io.flowmesh.runtime.testing.OnLoop.call;
import static io.flowmesh.runtime.testing.OnLoop.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.edge.v1.Hello;
import io.flowmesh.proto.edge.v1.SubscriberFrame;
import io.flowmesh.proto.grpc.GrpcFrames;
import io.flowmesh.runtime.testing.OnLoop;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * How an edge server's batches reach a subscriber on the wire: a batch larger than Netty's default
 * write buffer (64 KiB) still travels as one HTTP/2 DATA frame, so the subscriber neither receives
 * it in pieces nor has to join them (each piece is a copy on the subscriber's side).
 */
class EdgeDataFrameTest extends TwoVertxEdgeTest {

  /** A 1 KiB value: 256 of them make a batch of ~260 KiB. */
  private static final ByteString VALUE = ByteString.copyFrom(new byte[1024]);

  @Test
  void aBatchOfQuarterAMegabyteArrivesAsOneDataFrame() {
    int messages = 256;
    EdgeServer server = call(up, () -> new EdgeServer(upVertx, "src", EdgeOptions.defaults(), 1024, upRegistry));
    awaitOn(up, () -> server.listen("127.0.0.1", 0));
    // Everything is queued before the subscriber asks, so the first batch is a whole max-batch.
    run(up, () -> {
      for (int i = 0; i < messages; i++) {
        server.offer(EdgeMessage.newBuilder().setId(Integer.toString(i)).setValue(VALUE).build(), null);
      }
    });
    // A bare HTTP/2 client: Vert.x hands its response handler one buffer per DATA frame.
    HttpClient client = downVertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false)
        .setInitialSettings(new Http2Settings().setInitialWindowSize(4 << 20).setMaxFrameSize(EdgeCall.MAX_DATA_FRAME))
        .setHttp2ConnectionWindowSize(16 << 20));
    List<Integer> frames = new CopyOnWriteArrayList<>();
    Promise<Void> whole = Promise.promise();
    int[] received = {0};
    byte[] hello = GrpcFrames.frame(SubscriberFrame.newBuilder().setHello(Hello.newBuilder().setSubscriberId("raw")
        .setVertex("down").setProtocolVersion(EdgeOptions.PROTOCOL_VERSION).setInitialCredit(messages)).build());
    run(down, () -> client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(server.port())
            .setURI(EdgeCall.PATH).putHeader("content-type", "application/grpc").putHeader("te", "trailers"))
        .onFailure(whole::tryFail)
        .onSuccess(req -> {
          req.setChunked(true);
          req.response().onFailure(whole::tryFail).onSuccess(resp -> resp.handler(b -> {
            frames.add(b.length());
            received[0] += b.length();
            if (received[0] >= messages * VALUE.size()) {
              whole.tryComplete();
            }
          }));
          req.write(Buffer.buffer(hello));
        }));
    try {
      OnLoop.await(whole.future(), 10_000);
    } finally {
      client.close();
    }
    int batch = frames.get(0);
    assertTrue(batch > messages * VALUE.size(), "the first DATA frame holds the whole batch of " + messages
        + " values of " + VALUE.size() + " bytes; DATA frames were " + frames);
    assertEquals(1, frames.size(), "one DATA frame: " + frames);
  }
}
