package io.flowmesh.runtime.edge;

import static io.flowmesh.runtime.testing.OnLoop.awaitOn;
import static io.flowmesh.runtime.testing.OnLoop.call;
import static io.flowmesh.runtime.testing.OnLoop.run;
import static io.flowmesh.runtime.testing.OnLoop.until;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.testing.LogCapture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What an edge says when it ends names the status and the reason, and never prints {@code null}. */
class EdgeErrorTextTest extends TwoVertxEdgeTest {

  @Test
  void anUpstreamStoppingGracefullyIsLoggedByTheSubscriberWithTheStatusNameAndTheUpstreamsReason() {
    EdgeServer server = producingServer(EdgeOptions.defaults(), 1000, Long.MAX_VALUE);
    AtomicLong received = new AtomicLong();
    EdgeSubscriber sub = subscriber(server, EdgeOptions.defaults(), "graceful");
    try (LogCapture log = new LogCapture(EdgeSubscriber.class)) {
      run(down, () -> sub.handler(d -> {
        received.incrementAndGet();
        sub.ack(d);
      }).start());
      until(() -> received.get() > 1000, 10_000, () -> "messages to flow, got " + received.get());
      // A graceful stop: the upstream ends every edge with UNAVAILABLE and says why, after data was sent.
      awaitOn(up, server::close);
      until(() -> log.lines().stream().anyMatch(l -> l.contains("edge lost")), 10_000, () -> "the loss logged: " + log.lines());
      String line = log.lines().stream().filter(l -> l.contains("edge lost")).findFirst().orElseThrow();
      assertTrue(line.contains("why=upstream ended the stream with UNAVAILABLE (14): upstream vertex src is shutting down"), line);
      assertFalse(line.contains("null"), line);
    } finally {
      awaitOn(down, sub::close);
    }
  }
}
