package io.flowmesh.runtime.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.flowmesh.proto.udf.map.v1.MapRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An edge {@link EdgeMessage}'s headers are a list of {@code Header}s, on the wire exactly the
 * {@code map<string, string>} they were declared as before: both are field 5, as in Numaflow's
 * {@code MapRequest.Request}, whose parser stands in here for any peer that declares a map.
 */
class MessageHeadersTest {

  @Test
  void headersWrittenAsAListAreReadAsAMapAndTheOtherWayRound() throws Exception {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("trace", "t-1");
    headers.put("", "");
    headers.put("ключ", "значение €");
    EdgeMessage m = MessageHeaders.addAll(EdgeMessage.newBuilder(), headers).build();

    MapRequest.Request asMap = MapRequest.Request.parseFrom(m.toByteArray());
    assertEquals(headers, asMap.getHeadersMap());

    EdgeMessage back = EdgeMessage.parseFrom(MapRequest.Request.newBuilder().putAllHeaders(headers).build().toByteArray());
    assertEquals(headers, MessageHeaders.toMap(back));
  }

  @Test
  void aKeyListedTwiceKeepsItsLastValueInAMapAsAMapParserWould() throws Exception {
    EdgeMessage m = EdgeMessage.newBuilder().addHeaders(MessageHeaders.header("k", "first")).addHeaders(MessageHeaders.header("other", "x"))
        .addHeaders(MessageHeaders.header("k", "last")).build();
    assertEquals(List.of("k", "other"), List.copyOf(MessageHeaders.toMap(m).keySet()));
    assertEquals("last", MessageHeaders.toMap(m).get("k"));
    assertEquals(MessageHeaders.toMap(m), MapRequest.Request.parseFrom(m.toByteArray()).getHeadersMap());
  }

  @Test
  void aMessageWithoutHeadersGivesTheSharedEmptyMap() {
    assertSame(Map.of(), MessageHeaders.toMap(EdgeMessage.getDefaultInstance()));
  }
}
