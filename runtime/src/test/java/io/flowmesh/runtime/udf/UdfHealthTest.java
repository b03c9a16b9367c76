package io.flowmesh.runtime.udf;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class UdfHealthTest {

  private final UdfAddress address = UdfAddress.parse("unix:///tmp/sink.sock");
  private final UdfHealth health = new UdfHealth("udsink", "sink.v1", address, "sink.udsink.address");

  @Test
  void theReasonsNameTheKindAndTheProtocol() {
    health.unreachable("AnnotatedConnectException: connection refused");
    assertEquals("udsink at unix:///tmp/sink.sock unreachable: connection refused", health.problem());
    health.violation("fewer results than requests");
    assertEquals("udsink broke the sink.v1 protocol: fewer results than requests; its stream is being restarted",
        health.problem());
    health.answered();
    assertEquals("udsink at unix:///tmp/sink.sock unreachable: connection refused", health.problem());
    health.reachable();
    assertNull(health.problem());
  }

  @Test
  void aStallIsCuredByIdlenessAndAMisconfigurationStays() {
    health.stalled("no response for PT1S with 3 message(s) in flight");
    assertEquals("udsink stalled: no response for PT1S with 3 message(s) in flight; its stream is being restarted",
        health.problem());
    health.idle();
    assertNull(health.problem());
    health.misconfigured("udsink at unix:///tmp/sink.sock: wrong", "test");
    health.misconfigured("a second one", "test");
    health.answered();
    assertEquals("udsink at unix:///tmp/sink.sock: wrong", health.problem());
  }

  @Test
  void aFailedCallIsSaidShortly() {
    assertEquals("udsink at unix:///tmp/sink.sock unreachable: connection refused",
        health.unreachableLine(new java.io.IOException("x", new java.net.ConnectException("Connection refused"))));
  }
}
