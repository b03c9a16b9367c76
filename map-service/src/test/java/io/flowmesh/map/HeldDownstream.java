package io.flowmesh.map;

import io.flowmesh.runtime.config.HostPort;
import io.flowmesh.runtime.edge.Delivery;
import io.flowmesh.runtime.edge.EdgeOptions;
import io.flowmesh.runtime.edge.EdgeSubscriber;
import io.flowmesh.runtime.testing.OnLoop;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * A downstream vertex that takes what a map sends and holds every ack until {@link #ackAll()};
 * from then on it acks at once. Runs on its own Vert.x, closed with it; keep it in a {@link MapHarness} after
 * the map, so that it leaves before the map stops.
 */
final class HeldDownstream implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final Context ctx = vertx.getOrCreateContext();
  private final List<Delivery> held = new ArrayList<>();
  private final EdgeSubscriber sub;
  private boolean acking;

  /** Subscribes to the map's downstream edge on {@code edgePort}. */
  HeldDownstream(int edgePort) {
    try {
      sub = OnLoop.call(ctx, () -> new EdgeSubscriber(vertx, "sink", "held-sink-0", new HostPort("127.0.0.1", edgePort),
          EdgeOptions.defaults(), new SimpleMeterRegistry()));
      OnLoop.run(ctx, () -> sub.handler(d -> {
        if (acking) {
          sub.ack(d);
        } else {
          held.add(d);
        }
      }).start());
    } catch (RuntimeException | Error e) {
      OnLoop.await(vertx.close(), 20_000);
      throw e;
    }
  }

  /** Deliveries received and not yet acked. */
  int held() {
    return OnLoop.call(ctx, held::size);
  }

  /** The value of held delivery {@code i}, as UTF-8. */
  String heldValue(int i) {
    return OnLoop.call(ctx, () -> held.get(i).message().getValue().toStringUtf8());
  }

  /** Acks everything held, and whatever arrives later at once. */
  void ackAll() {
    OnLoop.run(ctx, () -> {
      acking = true;
      held.forEach(sub::ack);
      held.clear();
    });
  }

  /** Ends the subscription (the map sees its subscriber leave), then closes the Vert.x. */
  @Override
  public void close() {
    try {
      OnLoop.await(OnLoop.call(ctx, sub::close), 20_000);
    } finally {
      OnLoop.await(vertx.close(), 20_000);
    }
  }
}
