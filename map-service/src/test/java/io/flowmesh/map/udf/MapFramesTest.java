package io.flowmesh.map.udf;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.udf.map.v1.MapRequest;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class MapFramesTest {

  @Test
  void aRequestFrameIsTheLengthPrefixedMapRequestWithItsIdInDecimal() throws Exception {
    MapRequest.Request r = MapRequest.Request.newBuilder().addKeys("k0").setValue(ByteString.copyFromUtf8("v")).build();
    MapFrames frames = new MapFrames();
    for (long id : new long[] {1, 9, 10, 42, 1_000_000_007L, Long.MAX_VALUE}) {
      Buffer out = Buffer.buffer();
      frames.appendRequest(out, new TestElement(0, "v"), id);
      byte[] expected = MapRequest.newBuilder().setRequest(r).setId(Long.toString(id)).build().toByteArray();
      assertEquals(0, out.getByte(0));
      assertEquals(expected.length, out.getInt(1), "id " + id);
      assertArrayEquals(expected, out.getBytes(5, out.length()), "id " + id);
      assertEquals(out.length(), MapFrames.requestFrameSize(new TestElement(0, "v"), Long.toString(id).length()));
    }
  }

  @Test
  void theHandshakeIsAMapRequestWithSotAndNoId() throws Exception {
    MapRequest handshake = MapRequest.parseFrom(Buffer.buffer(MapFrames.HANDSHAKE).getBytes(5, MapFrames.HANDSHAKE.length));
    assertEquals(true, handshake.getHandshake().getSot());
    assertEquals("", handshake.getId());
  }
}
