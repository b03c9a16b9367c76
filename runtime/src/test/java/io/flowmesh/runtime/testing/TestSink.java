package io.flowmesh.runtime.testing;

import io.flowmesh.runtime.config.HostPort;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.EdgeOptions;
import io.flowmesh.runtime.edge.EdgeSubscriber;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real downstream edge for tests: an {@link EdgeSubscriber} in its own Vert.x instance that
 * acks everything and records what arrived: by id, how often, and in arrival order.
 */
public final class TestSink implements AutoCloseable {

  public final Map<String, EdgeMessage> byId = new ConcurrentHashMap<>();
  public final AtomicLong received = new AtomicLong();
  public final AtomicLong duplicates = new AtomicLong();
  public final List<EdgeMessage> inOrder = new CopyOnWriteArrayList<>();
  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final EdgeSubscriber sub;

  public TestSink(int upstreamPort, boolean keepOrder) {
    this(upstreamPort, keepOrder, null);
  }

  /** As above; a message marked serve is acked with {@code reply}'s reply for it (null: plainly). */
  public TestSink(int upstreamPort, boolean keepOrder,
      java.util.function.Function<EdgeMessage, List<io.flowmesh.proto.edge.v1.ReplyOutput>> reply) {
    this(upstreamPort, keepOrder, reply, EdgeOptions.defaults());
  }

  /** As above, with edge options of its own (e.g. the upstream's {@code edge.max-frame-bytes}). */
  public TestSink(int upstreamPort, boolean keepOrder,
      java.util.function.Function<EdgeMessage, List<io.flowmesh.proto.edge.v1.ReplyOutput>> reply, EdgeOptions options) {
    sub = OnLoop.call(context, () -> new EdgeSubscriber(vertx, "sink", "test-sink-0", new HostPort("127.0.0.1", upstreamPort),
        options, new SimpleMeterRegistry()));
    OnLoop.run(context, () -> sub.handler(d -> {
      EdgeMessage m = d.message();
      received.incrementAndGet();
      if (byId.putIfAbsent(m.getId(), m) != null) {
        duplicates.incrementAndGet();
      }
      if (keepOrder) {
        inOrder.add(m);
      }
      if (reply != null && m.getServe()) {
        sub.ack(d, reply.apply(m));
      } else {
        sub.ack(d);
      }
    }).start());
  }

  public long watermark() {
    return OnLoop.call(context, sub::watermark);
  }

  @Override
  public void close() {
    OnLoop.await(vertx.close(), 20_000);
  }
}
