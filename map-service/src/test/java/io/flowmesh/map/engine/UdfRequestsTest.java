package io.flowmesh.map.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.edge.v1.Message;
import io.flowmesh.proto.udf.map.v1.MapRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UdfRequestsTest {

  private static Message msg(long eventTime) {
    return Message.newBuilder().setId("m").setValue(ByteString.copyFromUtf8("v")).setEventTime(eventTime).build();
  }

  @Test
  void timestampsCarryTheMillisecondsAsSecondsAndNanosIncludingBeforeTheEpoch() {
    UdfRequests r = new UdfRequests();
    MapRequest.Request a = r.of(msg(1_700_000_000_123L), 1_700_000_000_045L);
    assertEquals(1_700_000_000L, a.getEventTime().getSeconds());
    assertEquals(123_000_000, a.getEventTime().getNanos());
    assertEquals(45_000_000, a.getWatermark().getNanos());
    MapRequest.Request b = r.of(msg(-1), -5);
    assertEquals(-1, b.getEventTime().getSeconds());
    assertEquals(999_000_000, b.getEventTime().getNanos(), "nanos stay non-negative, as protobuf's Timestamp requires");
    assertEquals(0, b.getWatermark().getSeconds(), "no watermark yet is sent as the epoch");
    assertEquals(0, b.getWatermark().getNanos());
  }

  @Test
  void consecutiveElementsWithTheSameTimesShareTheirTimestampsAndADifferentTimeGetsItsOwn() {
    UdfRequests r = new UdfRequests();
    MapRequest.Request a = r.of(msg(1000), 500);
    MapRequest.Request b = r.of(msg(1000), 500);
    assertSame(a.getEventTime(), b.getEventTime());
    assertSame(a.getWatermark(), b.getWatermark());
    MapRequest.Request c = r.of(msg(1001), 500);
    assertNotSame(a.getEventTime(), c.getEventTime());
    assertEquals(1_000_000, c.getEventTime().getNanos());
    assertSame(a.getWatermark(), c.getWatermark());
    MapRequest.Request d = r.of(msg(1001), 501);
    assertEquals(501_000_000, d.getWatermark().getNanos());
    assertSame(c.getEventTime(), d.getEventTime());
  }

  @Test
  void keysHeadersAndValueAreCopiedAndEmptyOnesStayEmpty() {
    UdfRequests r = new UdfRequests();
    Message m = msg(1).toBuilder().addKeys("k1").addKeys("k2").putHeaders("h", "x").build();
    MapRequest.Request req = r.of(m, 0);
    assertEquals(List.of("k1", "k2"), req.getKeysList());
    assertEquals(Map.of("h", "x"), req.getHeadersMap());
    assertEquals("v", req.getValue().toStringUtf8());
    MapRequest.Request plain = r.of(msg(1), 0);
    assertTrue(plain.getKeysList().isEmpty());
    assertTrue(plain.getHeadersMap().isEmpty());
  }
}
