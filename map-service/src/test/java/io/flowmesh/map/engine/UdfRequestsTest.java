package io.flowmesh.map.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Timestamp;
import io.flowmesh.proto.udf.map.v1.MapRequest;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.MessageHeaders;
import io.flowmesh.runtime.edge.Texts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UdfRequestsTest {

  private static EdgeMessage msg(long eventTime) {
    return EdgeMessage.newBuilder().setId("m").setValue(ByteString.copyFromUtf8("v")).setEventTime(eventTime).build();
  }

  /** What UdfRequests writes for {@code m}, checked to be exactly its computed size. */
  private static byte[] encode(EdgeMessage m, long watermark) throws Exception {
    boolean headers = m.getHeadersCount() > 0;
    byte[] out = new byte[UdfRequests.size(m, watermark, headers)];
    CodedOutputStream cos = CodedOutputStream.newInstance(out);
    UdfRequests.write(cos, m, watermark, headers);
    cos.checkNoSpaceLeft();
    return out;
  }

  private static MapRequest.Request request(EdgeMessage m, long watermark) throws Exception {
    return MapRequest.Request.parseFrom(encode(m, watermark));
  }

  /** The request as a built message would be: every field set the way map-service always set them. */
  private static MapRequest.Request built(EdgeMessage m, long watermark) {
    return MapRequest.Request.newBuilder().addAllKeys(m.getKeysList()).setValue(m.getValue())
        .setEventTime(timestamp(m.getEventTime())).setWatermark(timestamp(Math.max(0, watermark)))
        .putAllHeaders(MessageHeaders.toMap(m)).build();
  }

  private static Timestamp timestamp(long millis) {
    return Timestamp.newBuilder().setSeconds(Math.floorDiv(millis, 1000)).setNanos(Math.floorMod(millis, 1000) * 1_000_000).build();
  }

  @Test
  void timestampsCarryTheMillisecondsAsSecondsAndNanosIncludingBeforeTheEpoch() throws Exception {
    MapRequest.Request a = request(msg(1_700_000_000_123L), 1_700_000_000_045L);
    assertEquals(1_700_000_000L, a.getEventTime().getSeconds());
    assertEquals(123_000_000, a.getEventTime().getNanos());
    assertEquals(45_000_000, a.getWatermark().getNanos());
    MapRequest.Request b = request(msg(-1), -5);
    assertEquals(-1, b.getEventTime().getSeconds());
    assertEquals(999_000_000, b.getEventTime().getNanos(), "nanos stay non-negative, as protobuf's Timestamp requires");
    assertTrue(b.hasWatermark(), "the watermark is always sent");
    assertEquals(0, b.getWatermark().getSeconds(), "no watermark yet is sent as the epoch");
    assertEquals(0, b.getWatermark().getNanos());
  }

  @Test
  void keysHeadersAndValueAreCarriedAndEmptyOnesStayEmpty() throws Exception {
    EdgeMessage m = msg(1).toBuilder().addKeys("k1").addKeys("k2").addHeaders(MessageHeaders.header("h", "x")).addHeaders(MessageHeaders.header("empty", "")).build();
    MapRequest.Request req = request(m, 0);
    assertEquals(List.of("k1", "k2"), req.getKeysList());
    assertEquals(Map.of("h", "x", "empty", ""), req.getHeadersMap());
    assertEquals("v", req.getValue().toStringUtf8());
    MapRequest.Request plain = request(msg(1), 0);
    assertTrue(plain.getKeysList().isEmpty());
    assertTrue(plain.getHeadersMap().isEmpty());
    assertTrue(plain.hasEventTime());
  }

  @Test
  void theBytesAreExactlyThoseOfTheBuiltRequest() throws Exception {
    List<EdgeMessage> cases = List.of(
        msg(1_700_000_000_123L).toBuilder().addKeys("k").addKeys("ключ").addHeaders(MessageHeaders.header("h", "x")).addHeaders(MessageHeaders.header("a", "")).build(),
        msg(0).toBuilder().setValue(ByteString.EMPTY).build(),
        msg(-1_500).toBuilder().setValue(ByteString.copyFrom(new byte[300])).build(),
        msg(2_000));
    long[] watermarks = {1_700_000_000_000L, 0, -1, 2_001};
    for (int i = 0; i < cases.size(); i++) {
      assertArrayEquals(built(cases.get(i), watermarks[i]).toByteArray(), encode(cases.get(i), watermarks[i]), "case " + i);
    }
  }

  @Test
  void aParsedMessagesKeysAreWrittenAsTheirBytesAndItsHeadersAsTheirText() throws Exception {
    EdgeMessage built = msg(1_700_000_000_123L).toBuilder().addKeys("k").addKeys("ключ")
        .addHeaders(MessageHeaders.header("h", "x")).build();
    EdgeMessage parsed = EdgeMessage.parseFrom(built.toByteArray());
    assertArrayEquals(built(built, 5).toByteArray(), encode(parsed, 5));
    Texts keys = parsed.getKeysList();
    for (int i = 0; i < keys.size(); i++) {
      assertTrue(keys.raw(i) instanceof ByteString, "key " + i + " still held as bytes, not decoded to write it");
    }
  }

  @Test
  void keysAndHeadersThatAreNotUtf8ReachTheUdfDecodedLeniently() throws Exception {
    // Only a peer that is not Flowmesh could send them; the UDF (a Go one checks) still gets valid UTF-8.
    ByteString bad = ByteString.copyFrom(new byte[] {'k', (byte) 0xC3, (byte) 0x28});
    EdgeMessage parsed = EdgeMessage.parseFrom(msg(1).toBuilder().addKeysBytes(bad)
        .addHeaders(io.flowmesh.proto.edge.v1.Header.newBuilder().setKeyBytes(bad).setValueBytes(bad)).build().toByteArray());
    MapRequest.Request req = request(parsed, 0);
    assertEquals(List.of("k\uFFFD("), req.getKeysList());
    assertEquals(Map.of("k\uFFFD(", "k\uFFFD("), req.getHeadersMap());
  }
}
