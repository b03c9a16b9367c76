package io.flowmesh.runtime.edge;

import static io.flowmesh.runtime.testing.OnLoop.awaitOn;
import static io.flowmesh.runtime.testing.OnLoop.call;
import static io.flowmesh.runtime.testing.OnLoop.run;
import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A subscriber's values are slices of the edge frames they came in ({@code EdgeFrames.parse} with
 * {@code ProtoInput.aliasing}): over real gRPC, values held unacked while every later frame
 * arrives must still be byte for byte what was sent. Sizes from 1 byte to 20 KB cut batches
 * across many HTTP/2 DATA frames, so a deframer or reader that wrote again into bytes it had
 * handed out would show here.
 */
class EdgeValueSliceTest extends TwoVertxEdgeTest {

  private static final int TOTAL = 3000;

  /** EdgeMessage i's value: {@code (i * 7919) % 20000 + 1} bytes, byte k being {@code i * 31 + k}. */
  private static ByteString value(int i) {
    byte[] b = new byte[(i * 7919) % 20_000 + 1];
    for (int k = 0; k < b.length; k++) {
      b[k] = (byte) (i * 31 + k);
    }
    return ByteString.copyFrom(b);
  }

  @Test
  void valuesHeldUnackedStayWhatWasSentWhileLaterFramesArrive() {
    EdgeOptions options = EdgeOptions.defaults();
    EdgeServer server = call(up, () -> new EdgeServer(upVertx, "src", options, TOTAL, upRegistry));
    AtomicInteger next = new AtomicInteger();
    AtomicLong acked = new AtomicLong();
    run(up, () -> {
      server.ackListener((m, a, r) -> acked.incrementAndGet());
      server.demandHandler(v -> {
        while (next.get() < TOTAL && server.room() > 0) {
          int i = next.getAndIncrement();
          server.offer(EdgeMessage.newBuilder().setId(Integer.toString(i)).setValue(value(i)).build(), null);
        }
      });
    });
    awaitOn(up, () -> server.listen("127.0.0.1", 0));
    List<Delivery> held = new ArrayList<>();
    AtomicInteger arrived = new AtomicInteger();
    EdgeSubscriber sub = subscriber(server, options, "holder");
    run(down, () -> sub.handler(d -> {
      held.add(d);
      arrived.incrementAndGet();
    }).start());
    until(() -> arrived.get() == TOTAL, 120_000, () -> "all " + TOTAL + " held unacked (" + arrived.get() + " so far)");

    String changed = call(down, () -> {
      for (Delivery d : held) {
        int i = Integer.parseInt(d.message().getId());
        if (!d.message().getValue().equals(value(i))) {
          return "message " + i + "'s value (" + d.message().getValue().size() + " bytes) is not what was sent";
        }
      }
      return null;
    });
    assertNull(changed);
    run(down, () -> held.forEach(sub::ack));
    until(() -> acked.get() == TOTAL, 60_000, () -> "acked=" + acked.get());
    assertEquals(TOTAL, acked.get());
  }
}
