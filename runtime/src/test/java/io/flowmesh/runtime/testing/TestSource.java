package io.flowmesh.runtime.testing;

import com.google.protobuf.ByteString;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.EdgeMessageBuilder;
import io.flowmesh.runtime.edge.EdgeOptions;
import io.flowmesh.runtime.edge.EdgeServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * A real upstream edge for tests: an {@link EdgeServer} in its own Vert.x instance producing
 * messages {@code m0..m(total-1)} against credit, recording which ids were acked.
 */
public final class TestSource implements AutoCloseable {

  public final Set<String> acked = ConcurrentHashMap.newKeySet();
  public final AtomicLong ackCount = new AtomicLong();
  /** The replies of messages marked serve, by message id. */
  public final java.util.Map<String, java.util.List<io.flowmesh.proto.edge.v1.ReplyOutput>> replies = new ConcurrentHashMap<>();
  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final EdgeServer server;

  /**
   * @param value the value of message i
   * @param keyCount keys k0..k(keyCount-1), round robin; 0 for none
   */
  public TestSource(long total, LongFunction<ByteString> value, int keyCount) {
    this(total, value, keyCount, false);
  }

  /** As above; {@code serve} marks every message a serving request, whose replies land in {@link #replies}. */
  public TestSource(long total, LongFunction<ByteString> value, int keyCount, boolean serve) {
    this(total, value, keyCount, serve, b -> { });
  }

  /** As above; {@code more} adds to each message before it is built (headers, tags). */
  public TestSource(long total, LongFunction<ByteString> value, int keyCount, boolean serve,
      java.util.function.Consumer<EdgeMessageBuilder> more) {
    AtomicLong next = new AtomicLong();
    server = OnLoop.call(context, () -> new EdgeServer(vertx, "test-source", EdgeOptions.defaults(), 4096, new SimpleMeterRegistry()));
    OnLoop.run(context, () -> {
      server.ackListener((m, a, reply) -> {
        if (reply != null) {
          replies.put(m.getId(), reply);
        }
        acked.add(m.getId());
        ackCount.incrementAndGet();
      });
      server.demandHandler(v -> {
        long now = System.currentTimeMillis();
        while (next.get() < total && server.room() > 0) {
          long i = next.getAndIncrement();
          EdgeMessageBuilder b = EdgeMessage.newBuilder().setId("m" + i).setValue(value.apply(i)).setEventTime(now).setIngestTime(now);
          if (keyCount > 0) {
            b.addKeys("k" + (i % keyCount));
          }
          if (serve) {
            b.setServe(true);
          }
          more.accept(b);
          server.offer(b.build(), null);
        }
      });
      vertx.setPeriodic(20, id -> server.watermark(System.currentTimeMillis() - 1000));
    });
    OnLoop.awaitOn(context, () -> server.listen("127.0.0.1", 0));
  }

  /** Values {@code "v<i>"}. */
  public static TestSource counting(long total, int keyCount) {
    return new TestSource(total, i -> ByteString.copyFromUtf8("v" + i), keyCount);
  }

  public int port() {
    return server.port();
  }

  /** The vertex names the subscribers gave in their hello, as the edge's status lists them. */
  public java.util.List<String> subscriberVertices() {
    io.vertx.core.json.JsonArray subs = OnLoop.call(context, server::status).getJsonArray("subscribers");
    java.util.List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < subs.size(); i++) {
      out.add(subs.getJsonObject(i).getString("vertex"));
    }
    return out;
  }

  public long redelivered() {
    return OnLoop.call(context, server::redelivered);
  }

  @Override
  public void close() {
    OnLoop.await(vertx.close(), 20_000);
  }
}
