package io.flowmesh.runtime.edge;

import static io.flowmesh.runtime.testing.OnLoop.awaitOn;
import static io.flowmesh.runtime.testing.OnLoop.call;
import static io.flowmesh.runtime.testing.OnLoop.run;
import static io.flowmesh.runtime.testing.OnLoop.until;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Batch frames are written from direct buffers the edge server allocates ({@link EdgeCodec}) and
 * must release: every one of them, whether written, or refused by a stream that is gone. Counted by
 * an unpooled allocator, whose figure of direct memory in use goes back to zero only when every
 * buffer it gave out was released.
 */
class EdgeFrameBuffersTest extends TwoVertxEdgeTest {

  private final UnpooledByteBufAllocator counting = new UnpooledByteBufAllocator(true);

  @BeforeEach
  void countFrames() {
    EdgeCodec.frames = counting;
  }

  @AfterEach
  void restoreFrames() {
    EdgeCodec.frames = ByteBufAllocator.DEFAULT;
  }

  private long inUse() {
    return counting.metric().usedDirectMemory();
  }

  @Test
  void everyBatchFrameIsReleasedOnceWritten() {
    long total = 20_000;
    EdgeServer server = producingServer(EdgeOptions.defaults(), 1000, total);
    AtomicLong received = new AtomicLong();
    EdgeSubscriber sub = subscriber(server, EdgeOptions.defaults(), "all");
    try {
      run(down, () -> sub.handler(d -> {
        received.incrementAndGet();
        sub.ack(d);
      }).start());
      until(() -> received.get() == total, 60_000, () -> "received " + received.get());
      until(() -> inUse() == 0, 10_000, () -> inUse() + " bytes of batch frames not released after all were received");
    } finally {
      awaitOn(down, sub::close);
    }
  }

  @Test
  void framesOfAStreamThatIsGoneAreReleasedToo() {
    EdgeServer server = producingServer(EdgeOptions.defaults(), 5000, Long.MAX_VALUE);
    AtomicLong received = new AtomicLong();
    // The subscriber reads but never acks, then its Vert.x goes away with frames queued or in flight.
    EdgeSubscriber sub = subscriber(server, EdgeOptions.defaults(), "gone");
    run(down, () -> sub.handler(d -> received.incrementAndGet()).start());
    until(() -> received.get() > 1000, 60_000, () -> "received " + received.get());
    awaitOn(down, () -> downVertx.close());
    until(() -> call(up, server::subscriberCount) == 0, 20_000, () -> "the stream to be seen gone");
    until(() -> inUse() == 0, 20_000, () -> inUse() + " bytes of batch frames not released after the stream was gone");
  }
}
