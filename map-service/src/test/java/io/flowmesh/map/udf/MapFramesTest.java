package io.flowmesh.map.udf;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.udf.map.v1.MapRequest;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class MapFramesTest {

  @Test
  void aRequestFrameIsTheLengthPrefixedMapRequestWithItsId() throws Exception {
    MapRequest.Request r = MapRequest.Request.newBuilder().addKeys("k0").setValue(ByteString.copyFromUtf8("v")).build();
    Buffer out = Buffer.buffer();
    new MapFrames().appendRequest(out, new TestElement(0, "v"), "42");
    byte[] expected = MapRequest.newBuilder().setRequest(r).setId("42").build().toByteArray();
    assertEquals(0, out.getByte(0));
    assertEquals(expected.length, out.getInt(1));
    assertArrayEquals(expected, out.getBytes(5, out.length()));
    assertEquals(out.length(), MapFrames.requestFrameSize(new TestElement(0, "v"), "42"));
  }

  @Test
  void theHandshakeIsAMapRequestWithSotAndNoId() throws Exception {
    MapRequest handshake = MapRequest.parseFrom(Buffer.buffer(MapFrames.HANDSHAKE).getBytes(5, MapFrames.HANDSHAKE.length));
    assertEquals(true, handshake.getHandshake().getSot());
    assertEquals("", handshake.getId());
  }
}
